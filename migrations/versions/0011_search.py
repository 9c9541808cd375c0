"""search: the full-text index of published statements

Revision ID: 0011_search
Revises: 0010_translations
Create Date: 2026-12-05 10:00:00

One index per engine (ngo/search/schema.py describes them; this revision keeps its
own copy of the DDL, as a revision must not change with the code):

- SQLite: statement_search, an FTS5 table (tokenize "unicode61 remove_diacritics
  2") whose rowid is the statement's id, holding the folded tokens of each
  published statement's title, summary, body text and signatory and category
  names; a trigger takes a deleted statement out of it.
- PostgreSQL: statement_search, one row per published statement (its language and
  a tsvector of its text and names, the names alone in weight C), deleted with its
  statement (foreign key), with a GIN index, compressed with lz4 where the server
  has it.

Neither is a model (Alembic's comparison leaves them out: migrations/env.py). The
upgrade fills the index with the statements already published.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_search"
down_revision = "0010_translations"
branch_labels = None
depends_on = None

SQLITE_UPGRADE = (
    """CREATE VIRTUAL TABLE statement_search USING fts5(
        language UNINDEXED, title, summary, body, names,
        tokenize = "unicode61 remove_diacritics 2"
    )""",
    """CREATE TRIGGER statement_search_forget AFTER DELETE ON statement BEGIN
        DELETE FROM statement_search WHERE rowid = old.id;
    END""",
)
SQLITE_DOWNGRADE = (
    "DROP TRIGGER IF EXISTS statement_search_forget",
    "DROP TABLE IF EXISTS statement_search",
)
POSTGRESQL_UPGRADE = (
    """CREATE TABLE statement_search (
        statement_id INTEGER PRIMARY KEY
            REFERENCES statement (id) ON DELETE CASCADE,
        language VARCHAR(16) NOT NULL,
        document TSVECTOR NOT NULL
    )""",
    "CREATE INDEX ix_statement_search_document ON statement_search "
    "USING gin (document)",
    """DO $$ BEGIN
        IF EXISTS (SELECT FROM pg_settings WHERE name = 'default_toast_compression'
                   AND 'lz4' = ANY (enumvals)) THEN
            ALTER TABLE statement_search ALTER COLUMN document SET COMPRESSION lz4;
        END IF;
    END $$""",
)
POSTGRESQL_DOWNGRADE = ("DROP TABLE IF EXISTS statement_search",)


def upgrade():
    bind = op.get_bind()
    statements = {"sqlite": SQLITE_UPGRADE, "postgresql": POSTGRESQL_UPGRADE}
    for statement in statements[bind.dialect.name]:
        op.execute(statement)
    published = bind.execute(
        sa.text("SELECT count(*) FROM statement WHERE status = 'published'")
    ).scalar()
    if published:
        # The index is made from the statements by the code that keeps it.
        from ngo.search.index import rebuild

        rebuild(bind)


def downgrade():
    statements = {"sqlite": SQLITE_DOWNGRADE, "postgresql": POSTGRESQL_DOWNGRADE}
    for statement in statements[op.get_bind().dialect.name]:
        op.execute(statement)
