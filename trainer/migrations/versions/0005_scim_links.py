"""SCIM provisioning: the link between an identity provider's SCIM resource and a person.

Revision ID: 0005_scim_links
Revises: 0004_sso
"""
from alembic import op
import sqlalchemy as sa


revision = "0005_scim_links"
down_revision = "0004_sso"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "scim_links",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=255), nullable=False),
        sa.Column("user_name_key", sa.String(length=255), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_scim_links_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scim_links")),
        sa.UniqueConstraint("user_id", name=op.f("uq_scim_links_user_id")),
        sa.UniqueConstraint("user_name_key", name=op.f("uq_scim_links_user_name_key")),
    )


def downgrade():
    op.drop_table("scim_links")
