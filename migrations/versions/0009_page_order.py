"""page order: simple pages get a place in the footer

Revision ID: 0009_page_order
Revises: 0008_pages
Create Date: 2026-12-01 10:00:00

- page.position: the order of pages in the footer (smaller first, then title).
- page.in_footer: whether the footer of every page links the page (true for the
  pages already there, which the footer linked by their fixed slugs before).
- About and Contact keep the footer's order: positions 1 and 2; any other page
  comes after them (3, then by title).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009_page_order"
down_revision = "0008_pages"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("page", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("position", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "in_footer", sa.Boolean(), server_default=sa.true(), nullable=False
            )
        )
    page = sa.table("page", sa.column("slug", sa.String), sa.column("position"))
    order = ("about", "contact")
    for position, slug in enumerate(order, start=1):
        op.execute(page.update().where(page.c.slug == slug).values(position=position))
    # Any other page comes after them, by title.
    op.execute(
        page.update().where(page.c.slug.not_in(order)).values(position=len(order) + 1)
    )


def downgrade():
    with op.batch_alter_table("page", schema=None) as batch_op:
        batch_op.drop_column("in_footer")
        batch_op.drop_column("position")
