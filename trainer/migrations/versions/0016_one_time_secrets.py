"""One-time secrets: a new calendar-feed address or API token, held for the page that shows it once.

Revision ID: 0016_one_time_secrets
Revises: 0015_content_review
"""
from alembic import op
import sqlalchemy as sa


revision = "0016_one_time_secrets"
down_revision = "0015_content_review"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "one_time_secrets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=40), nullable=False),
        sa.Column("masked", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_one_time_secrets_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_one_time_secrets")),
    )
    op.create_index(op.f("ix_one_time_secrets_user_id"), "one_time_secrets", ["user_id"])
    op.create_index(op.f("ix_one_time_secrets_created_at"), "one_time_secrets", ["created_at"])


def downgrade():
    op.drop_table("one_time_secrets")
