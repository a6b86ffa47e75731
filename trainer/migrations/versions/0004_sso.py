"""Single sign-on: identity-provider subjects per person, and used nonces/assertion ids.

Revision ID: 0004_sso
Revises: 0003_employee_id
"""
from alembic import op
import sqlalchemy as sa


revision = "0004_sso"
down_revision = "0003_employee_id"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sso_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("protocol", sa.String(length=8), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_sso_identities_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_identities")),
        sa.UniqueConstraint("issuer", "subject", name=op.f("uq_sso_identities_issuer_subject")),
    )
    op.create_index(op.f("ix_sso_identities_user_id"), "sso_identities", ["user_id"], unique=False)
    op.create_table(
        "sso_used_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sso_used_tokens")),
        sa.UniqueConstraint("digest", name=op.f("uq_sso_used_tokens_digest")),
    )
    op.create_index(op.f("ix_sso_used_tokens_expires_at"), "sso_used_tokens", ["expires_at"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_sso_used_tokens_expires_at"), table_name="sso_used_tokens")
    op.drop_table("sso_used_tokens")
    op.drop_index(op.f("ix_sso_identities_user_id"), table_name="sso_identities")
    op.drop_table("sso_identities")
