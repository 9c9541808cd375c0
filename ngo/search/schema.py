"""The search index's tables, one per engine, made beside the models' tables.

SQLite: an FTS5 table whose rowid is the statement's id, holding each published
statement's language (first: read without stepping over the long columns) and
folded tokens (ngo.search.text) in four columns, and a trigger that
forgets a statement deleted by any means. PostgreSQL: a narrow table, one row per
published statement (its language and one tsvector of its text and names, the
names alone in weight C so that a rename replaces only them), a GIN index on it,
lz4 compression where the server has it (a ranked row is decompressed quickly),
and a foreign key that deletes the row with its statement. Neither is a model:
they are made here when the models' tables are made with create_all (tests), by
migration 0011 in real databases, and left out of Alembic's comparison of models
and schema (`include_object`).
"""

from __future__ import annotations

from sqlalchemy import event, text

from ngo.extensions import db

TABLE = "statement_search"
# FTS5 keeps an FTS table's data in shadow tables named after it.
_FTS5_SHADOWS = ("data", "idx", "content", "docsize", "config")
NAMES = frozenset({TABLE, *(f"{TABLE}_{shadow}" for shadow in _FTS5_SHADOWS)})

SQLITE_CREATE = (
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(
        language UNINDEXED, title, summary, body, names,
        tokenize = "unicode61 remove_diacritics 2"
    )""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_forget AFTER DELETE ON statement BEGIN
        DELETE FROM {TABLE} WHERE rowid = old.id;
    END""",
)
SQLITE_DROP = (
    f"DROP TRIGGER IF EXISTS {TABLE}_forget",
    f"DROP TABLE IF EXISTS {TABLE}",
)

POSTGRESQL_CREATE = (
    f"""CREATE TABLE IF NOT EXISTS {TABLE} (
        statement_id INTEGER PRIMARY KEY
            REFERENCES statement (id) ON DELETE CASCADE,
        language VARCHAR(16) NOT NULL,
        document TSVECTOR NOT NULL
    )""",
    f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_document ON {TABLE} USING gin (document)",
    # Only where the server was built with lz4 (PostgreSQL 14 and later).
    f"""DO $$ BEGIN
        IF EXISTS (SELECT FROM pg_settings WHERE name = 'default_toast_compression'
                   AND 'lz4' = ANY (enumvals)) THEN
            ALTER TABLE {TABLE} ALTER COLUMN document SET COMPRESSION lz4;
        END IF;
    END $$""",
)
POSTGRESQL_DROP = (f"DROP TABLE IF EXISTS {TABLE}",)


def statements(dialect: str, create: bool) -> tuple[str, ...]:
    """The DDL that makes (or drops) the index on this dialect."""
    if dialect == "postgresql":
        return POSTGRESQL_CREATE if create else POSTGRESQL_DROP
    if dialect == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    raise RuntimeError(f"search has no engine for {dialect}")


def _create(target, connection, **kw) -> None:
    """After create_all: the index's table beside the models' tables (again for a
    second app on the same database: every statement is IF NOT EXISTS)."""
    for statement in statements(connection.dialect.name, create=True):
        connection.execute(text(statement))


def _drop(target, connection, **kw) -> None:
    """Before drop_all: the index first (on PostgreSQL it refers to statement)."""
    for statement in statements(connection.dialect.name, create=False):
        connection.execute(text(statement))


def register() -> None:
    """Make and drop the index with the models' tables; once per process."""
    if not event.contains(db.metadata, "after_create", _create):
        event.listen(db.metadata, "after_create", _create)
        event.listen(db.metadata, "before_drop", _drop)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter: the search index's tables are no model's, so autogenerate
    and `flask db check` leave them (and their indexes) alone."""
    table = (
        name if type_ == "table" else getattr(getattr(obj, "table", None), "name", "")
    )
    return not (name in NAMES or table in NAMES)
