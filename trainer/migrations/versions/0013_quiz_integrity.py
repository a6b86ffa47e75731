"""Quiz integrity settings per course: when results show the right choices, and the cooldown.

Revision ID: 0013_quiz_integrity
Revises: 0012_visit_cycles
"""
from alembic import op
import sqlalchemy as sa


revision = "0013_quiz_integrity"
down_revision = "0012_visit_cycles"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("courses") as batch:
        batch.add_column(sa.Column("show_answers", sa.String(length=16), nullable=False,
                                   server_default="after_passing"))
        batch.add_column(sa.Column("attempts_before_cooldown", sa.Integer(), nullable=False, server_default="3"))
        batch.add_column(sa.Column("cooldown_minutes", sa.Integer(), nullable=False, server_default="60"))


def downgrade():
    with op.batch_alter_table("courses") as batch:
        batch.drop_column("cooldown_minutes")
        batch.drop_column("attempts_before_cooldown")
        batch.drop_column("show_answers")
