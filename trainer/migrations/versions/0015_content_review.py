"""Content review: a course's owner, last review and review interval; review reminders in the
outbox, addressed to an e-mail address that need not belong to a user.

Revision ID: 0015_content_review
Revises: 0014_import_columns
"""
from alembic import op
import sqlalchemy as sa


revision = "0015_content_review"
down_revision = "0014_import_columns"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("courses") as batch:
        batch.add_column(sa.Column("owner", sa.String(length=254), nullable=True))
        batch.add_column(sa.Column("reviewed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("review_every_months", sa.Integer(), nullable=False, server_default="12"))
    with op.batch_alter_table("notifications") as batch:
        batch.alter_column("user_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))
        batch.add_column(sa.Column("course_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_notifications_course_id_courses"), "courses", ["course_id"], ["id"])


def downgrade():
    # Review reminders have no user to keep them under the old schema.
    op.execute("DELETE FROM notifications WHERE user_id IS NULL")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_constraint(op.f("fk_notifications_course_id_courses"), type_="foreignkey")
        batch.drop_column("course_id")
        batch.drop_column("email")
        batch.alter_column("user_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("courses") as batch:
        batch.drop_column("review_every_months")
        batch.drop_column("reviewed_on")
        batch.drop_column("owner")
