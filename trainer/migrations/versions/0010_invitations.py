"""Invitations: when each person last signed in, and set-password links that are invitations.

Revision ID: 0010_invitations
Revises: 0009_hr_all_departments
"""
from alembic import op
import sqlalchemy as sa


revision = "0010_invitations"
down_revision = "0009_hr_all_departments"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("last_signed_in_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("password_reset_tokens") as batch:
        batch.add_column(sa.Column("purpose", sa.String(length=12), nullable=False,
                                   server_default="reset"))
    # People who signed in before this version must not be invited: the audit trail knows
    # their sign-ins (every method records auth.signed_in with the person as target).
    op.execute(
        "UPDATE users SET last_signed_in_at = (SELECT max(a.at) FROM audit_events a "
        "WHERE a.action = 'auth.signed_in' AND a.target_type = 'User' "
        "AND a.target_id = CAST(users.id AS VARCHAR(64)))"
    )


def downgrade():
    with op.batch_alter_table("password_reset_tokens") as batch:
        batch.drop_column("purpose")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("last_signed_in_at")
