"""site revision: one row that list pages are cached by

Revision ID: 0007_site_revision
Revises: 0006_staff_sessions
Create Date: 2026-11-30 09:00:00

- site_revision: a single row (id 1). `revision` moves on with every change a list
  of statements shows, `frame_revision` with what every page shows around its own
  content (the category tree, category and organisation names, slugs and websites).
  A change of that kind used to add 1 to the revision of every statement, one UPDATE
  over the whole table per flush; now it moves this one row on (ngo.revisions).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007_site_revision"
down_revision = "0006_staff_sessions"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "site_revision",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("revision", sa.Integer(), server_default="0", nullable=False),
        sa.Column("frame_revision", sa.Integer(), server_default="0", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_site_revision_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_revision")),
    )
    op.execute(
        table.insert().values(
            id=1, revision=0, frame_revision=0, updated_at=sa.func.now()
        )
    )


def downgrade():
    op.drop_table("site_revision")
