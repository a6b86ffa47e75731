"""The read-only auditor role, with an optional last day.

Revision ID: 0007_auditor_role
Revises: 0006_one_current_assignment
"""
from alembic import op
import sqlalchemy as sa


revision = "0007_auditor_role"
down_revision = "0006_one_current_assignment"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (SQLite has it): a batch copy of users would drop a table that every
    # training record references.
    op.add_column("users", sa.Column("is_auditor", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("users", sa.Column("auditor_until", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("auditor_until")
        batch.drop_column("is_auditor")
