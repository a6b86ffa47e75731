"""The read-only auditor role, with an optional last day.

Revision ID: 0006_auditor_role
Revises: 0005_scim_links
"""
from alembic import op
import sqlalchemy as sa


revision = "0006_auditor_role"
down_revision = "0005_scim_links"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("is_auditor", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("auditor_until", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("auditor_until")
        batch.drop_column("is_auditor")
