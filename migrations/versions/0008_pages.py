"""pages: a featured statement leads the front page; simple editable pages

Revision ID: 0008_pages
Revises: 0007_site_revision
Create Date: 2026-11-29 17:00:00

- statement.featured: an editor marks a statement to lead the front page (the
  newest featured one leads, else the newest), with an index the lead is read by.
- page: About, Contact and the like at /pages/<slug>: Markdown as typed and the
  sanitised HTML made from it on write.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008_pages"
down_revision = "0007_site_revision"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("statement", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "featured", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch_op.create_index(
            "ix_statement_status_featured_published_at",
            ["status", "featured", "published_at", "id"],
            unique=False,
        )
    op.create_table(
        "page",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page")),
        sa.UniqueConstraint("slug", name=op.f("uq_page_slug")),
    )


def downgrade():
    op.drop_table("page")
    with op.batch_alter_table("statement", schema=None) as batch_op:
        batch_op.drop_index("ix_statement_status_featured_published_at")
        batch_op.drop_column("featured")
