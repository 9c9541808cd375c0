"""admin: staff accounts, sign-in attempts (lockout), audit log, old statement slugs,
the Markdown source of statement bodies

Revision ID: 0003_admin
Revises: 0002_comments
Create Date: 2026-11-28 06:37:59.887268

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003_admin"
down_revision = "0002_comments"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('pending', 'failed', 'locked', 'succeeded')",
            name=op.f("ck_login_attempt_outcome"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempt")),
    )
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.create_index(
            "ix_login_attempt_client_created_at", ["client", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_login_attempt_email_created_at", ["email", "created_at"], unique=False
        )

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "role IN ('admin', 'editor', 'moderator')",
            name=op.f("ck_user_account_role"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("email", name=op.f("uq_user_account_email")),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target_type", sa.String(length=32), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("target_label", sa.String(length=500), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_audit_log_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_log_action"), ["action"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audit_log_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_audit_log_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "slug_redirect",
        sa.Column("old_slug", sa.String(length=200), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statement.id"],
            name=op.f("fk_slug_redirect_statement_id_statement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("old_slug", name=op.f("pk_slug_redirect")),
    )
    with op.batch_alter_table("slug_redirect", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_slug_redirect_statement_id"), ["statement_id"], unique=False
        )

    # A plain ADD COLUMN, never a batch rebuild: on SQLite rebuilding the statement
    # table drops it, and with foreign keys on that cascades to its signatures.
    op.add_column("statement", sa.Column("body_markdown", sa.Text(), nullable=True))


def downgrade():
    # Not in batch mode, for the same reason (DROP COLUMN needs SQLite >= 3.35).
    op.drop_column("statement", "body_markdown")

    with op.batch_alter_table("slug_redirect", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slug_redirect_statement_id"))

    op.drop_table("slug_redirect")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_created_at"))
        batch_op.drop_index(batch_op.f("ix_audit_log_action"))

    op.drop_table("audit_log")
    op.drop_table("user_account")
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempt_email_created_at")
        batch_op.drop_index("ix_login_attempt_client_created_at")

    op.drop_table("login_attempt")
