"""wordpress: tags, old addresses, and the WordPress ids an import made rows of

Revision ID: 0012_wordpress
Revises: 0011_search
Create Date: 2026-12-07 10:00:00

- tag: a flat label of statements (slug, name and its key, like a category
  without a tree); statement_tag: a statement's tags in order, with an index
  from the tag to its statements (the tag's archive page).
- old_address: the addresses of the site this one replaced (a key made by
  ngo.old_addresses: "/2023/09/19/slug", "/?p=123"), each pointing at a
  statement, page, category or tag by id; a request for one answers 301.
- wordpress_item: (kind, WordPress id) -> the id of the row an import made, so
  that `flask import-wordpress` run again updates rather than duplicates.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012_wordpress"
down_revision = "0011_search"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=600), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tag")),
        sa.UniqueConstraint("name_key", name=op.f("uq_tag_name_key")),
        sa.UniqueConstraint("slug", name=op.f("uq_tag_slug")),
    )
    op.create_table(
        "statement_tag",
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statement.id"],
            name=op.f("fk_statement_tag_statement_id_statement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"],
            ["tag.id"],
            name=op.f("fk_statement_tag_tag_id_tag"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "statement_id", "tag_id", name=op.f("pk_statement_tag")
        ),
    )
    with op.batch_alter_table("statement_tag", schema=None) as batch_op:
        batch_op.create_index(
            "ix_statement_tag_tag_id", ["tag_id", "statement_id"], unique=False
        )
    op.create_table(
        "old_address",
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "target_kind IN ('statement', 'page', 'category', 'tag')",
            name=op.f("ck_old_address_target_kind"),
        ),
        sa.PrimaryKeyConstraint("path", name=op.f("pk_old_address")),
    )
    op.create_table(
        "wordpress_item",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("wordpress_id", sa.Integer(), nullable=False),
        sa.Column("local_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "wordpress_id", name=op.f("pk_wordpress_item")),
    )


def downgrade():
    op.drop_table("wordpress_item")
    op.drop_table("old_address")
    with op.batch_alter_table("statement_tag", schema=None) as batch_op:
        batch_op.drop_index("ix_statement_tag_tag_id")
    op.drop_table("statement_tag")
    op.drop_table("tag")
