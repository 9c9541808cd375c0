"""comments: threaded reader comments, the flood guard, approved counts on statements

Revision ID: 0002_comments
Revises: 0001_reading
Create Date: 2026-11-28 06:35:41.158827

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002_comments"
down_revision = "0001_reading"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "comment_throttle",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_comment_throttle")),
    )
    with op.batch_alter_table("comment_throttle", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_comment_throttle_posted_at"), ["posted_at"], unique=False
        )

    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("author_name", sa.String(length=245), nullable=False),
        sa.Column("author_email", sa.String(length=100), nullable=False),
        sa.Column("author_url", sa.String(length=200), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("moderation_note", sa.String(length=200), nullable=False),
        sa.Column("ip_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'spam', 'trash')",
            name=op.f("ck_comment_status"),
        ),
        sa.CheckConstraint("depth >= 1", name=op.f("ck_comment_depth_positive")),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["comment.id"],
            name=op.f("fk_comment_parent_id_comment"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statement.id"],
            name=op.f("fk_comment_statement_id_statement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment")),
    )
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_comment_author_email_status", ["author_email", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_comment_parent_id"), ["parent_id"], unique=False
        )
        batch_op.create_index(
            "ix_comment_statement_id_body_hash",
            ["statement_id", "body_hash"],
            unique=False,
        )
        batch_op.create_index(
            "ix_comment_statement_id_status_created_at",
            ["statement_id", "status", "created_at", "id"],
            unique=False,
        )

    # A plain ADD COLUMN (no table rebuild): on SQLite a rebuild would DROP the
    # statement table, and with foreign keys on that cascades to its signatures.
    op.add_column(
        "statement",
        sa.Column("comment_count", sa.Integer(), server_default="0", nullable=False),
    )


def downgrade():
    # Not in batch mode, for the same reason as the ADD COLUMN (SQLite >= 3.35).
    op.drop_column("statement", "comment_count")

    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_index("ix_comment_statement_id_status_created_at")
        batch_op.drop_index("ix_comment_statement_id_body_hash")
        batch_op.drop_index(batch_op.f("ix_comment_parent_id"))
        batch_op.drop_index("ix_comment_author_email_status")

    op.drop_table("comment")
    with op.batch_alter_table("comment_throttle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comment_throttle_posted_at"))

    op.drop_table("comment_throttle")
