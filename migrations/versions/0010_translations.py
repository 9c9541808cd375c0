"""translations: statements grouped as translations of each other; category names
in the site's other languages

Revision ID: 0010_translations
Revises: 0009_page_order
Create Date: 2026-12-03 10:00:00

- statement.translation_group: statements that translate each other share this
  number, the id of one of them; NULL for a statement on its own. A unique index on
  (translation_group, language) holds one statement per language in a group (NULLs
  never collide) and finds a group's statements.
- statement index (status, language, published_at, id): lists in the page's
  language, newest first.
- category.name_translations: the name in other languages, {"hy": "…", "ru": "…"}
  (NULL: the name as entered in every language).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_translations"
down_revision = "0009_page_order"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("statement", schema=None) as batch_op:
        batch_op.add_column(sa.Column("translation_group", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_statement_translation_group_language",
            ["translation_group", "language"],
            unique=True,
        )
        batch_op.create_index(
            "ix_statement_status_language_published_at",
            ["status", "language", "published_at", "id"],
            unique=False,
        )
    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_translations", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("category", schema=None) as batch_op:
        batch_op.drop_column("name_translations")
    with op.batch_alter_table("statement", schema=None) as batch_op:
        batch_op.drop_index("ix_statement_status_language_published_at")
        batch_op.drop_index("ix_statement_translation_group_language")
        batch_op.drop_column("translation_group")
