"""HR scope fails closed: "all departments" becomes an explicit choice.

Until now an HR user with no department in hr_scope saw every department. Those users keep
what they had, now chosen explicitly; from here on an HR user limited to departments with
none ticked sees nothing.

Revision ID: 0009_hr_all_departments
Revises: 0008_audit_hmac
"""
from alembic import op
import sqlalchemy as sa


revision = "0009_hr_all_departments"
down_revision = "0008_audit_hmac"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN, not a batch: on SQLite a batch recreates the users table, and
    # dropping the old one cascades to hr_scope (ON DELETE CASCADE) and empties it.
    op.add_column("users", sa.Column("hr_all_departments", sa.Boolean(), nullable=False,
                                     server_default=sa.false()))
    op.execute(
        "UPDATE users SET hr_all_departments = true WHERE is_hr = true "
        "AND NOT EXISTS (SELECT 1 FROM hr_scope WHERE hr_scope.user_id = users.id)"
    )


def downgrade():
    # The old meaning of "no department ticked" was "all": a limited HR user with none
    # ticked would see everything again, so they lose the HR role instead.
    op.execute(
        "UPDATE users SET is_hr = false WHERE is_hr = true AND hr_all_departments = false "
        "AND NOT EXISTS (SELECT 1 FROM hr_scope WHERE hr_scope.user_id = users.id)"
    )
    op.drop_column("users", "hr_all_departments")
