"""list speed: kept lists and counts, the category tree flattened

Revision ID: 0013_list_speed
Revises: 0012_wordpress
Create Date: 2026-11-29 22:00:00

- category_descendant: (category, descendant) for each category and everything
  below it, itself included.
- list_entry: one row per published statement per list (every statement, a
  category with its sub-categories, an organisation, a tag) per site language,
  rank 0 in that language, 1 in another with no published version in it; the key
  is the list's order (a page is a range of it). SQLite: WITHOUT ROWID, so the
  key is the table.
- list_count: how many rows each list has per language and rank, kept on write.

Filled from the statements there are by ngo.statements.listing.rebuild (the
code that keeps them right afterwards).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_list_speed"
down_revision = "0012_wordpress"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "category_descendant",
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("descendant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["category.id"],
            name=op.f("fk_category_descendant_category_id_category"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["descendant_id"],
            ["category.id"],
            name=op.f("fk_category_descendant_descendant_id_category"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "category_id", "descendant_id", name=op.f("pk_category_descendant")
        ),
    )
    op.create_index(
        "ix_category_descendant_descendant_id",
        "category_descendant",
        ["descendant_id", "category_id"],
        unique=False,
    )
    op.create_table(
        "list_entry",
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("scope_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("rank", sa.SmallInteger(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("statement_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint(
            "kind",
            "scope_id",
            "language",
            "rank",
            "published_at",
            "statement_id",
            name=op.f("pk_list_entry"),
        ),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_list_entry_statement_id", "list_entry", ["statement_id"], unique=False
    )
    op.create_table(
        "list_count",
        sa.Column("kind", sa.SmallInteger(), nullable=False),
        sa.Column("scope_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("rank", sa.SmallInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "kind", "scope_id", "language", "rank", name=op.f("pk_list_count")
        ),
    )
    from ngo.statements.listing import rebuild

    rebuild(op.get_bind())


def downgrade():
    op.drop_table("list_count")
    op.drop_index("ix_list_entry_statement_id", table_name="list_entry")
    op.drop_table("list_entry")
    op.drop_index(
        "ix_category_descendant_descendant_id", table_name="category_descendant"
    )
    op.drop_table("category_descendant")
