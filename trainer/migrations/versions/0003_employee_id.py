"""People: the HR system's employee id, unique when present.

Revision ID: 0003_employee_id
Revises: 1b2aeab06fa7
"""
from alembic import op
import sqlalchemy as sa


revision = "0003_employee_id"
down_revision = "1b2aeab06fa7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("employee_id", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_users_employee_id"), ["employee_id"])


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_users_employee_id"), type_="unique")
        batch_op.drop_column("employee_id")
