"""staff sessions on the server; sign-in failures a lockout no longer counts

Revision ID: 0006_staff_sessions
Revises: 0005_name_keys
Create Date: 2026-11-29 10:00:00

- staff_session: one row per signed-in browser. The session cookie names a row (by a
  random id; the row keeps its SHA-256), and the session lives while the row does:
  sign-out, a new password and a disabled account delete rows. Sessions signed in
  before this revision name no row, so their holders sign in once more.
- login_attempt.unlocked_at: set by `flask unlock EMAIL`; such a failure stays on the
  sign-ins page but no longer counts towards a lockout.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006_staff_sessions"
down_revision = "0005_name_keys"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "staff_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("browser", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_staff_session_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_staff_session_token_hash")),
    )
    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_staff_session_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_staff_session_user_id"), ["user_id"], unique=False
        )

    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("unlocked_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("login_attempt", schema=None) as batch_op:
        batch_op.drop_column("unlocked_at")

    with op.batch_alter_table("staff_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_session_user_id"))
        batch_op.drop_index(batch_op.f("ix_staff_session_created_at"))

    op.drop_table("staff_session")
