"""Reading time restarts with each assignment cycle: the cycle a module visit belongs to.

Revision ID: 0012_visit_cycles
Revises: 0011_file_hashes
"""
from alembic import op
import sqlalchemy as sa


revision = "0012_visit_cycles"
down_revision = "0011_file_hashes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("module_visits") as batch:
        batch.add_column(sa.Column("assignment_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_module_visits_assignment_id_assignments"), "assignments",
                                 ["assignment_id"], ["id"])


def downgrade():
    with op.batch_alter_table("module_visits") as batch:
        batch.drop_constraint(op.f("fk_module_visits_assignment_id_assignments"), type_="foreignkey")
        batch.drop_column("assignment_id")
