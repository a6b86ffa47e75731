"""Staff import: the column mapping chosen on the HR import page, remembered for the next upload.

Revision ID: 0014_import_columns
Revises: 0013_quiz_integrity
"""
from alembic import op
import sqlalchemy as sa


revision = "0014_import_columns"
down_revision = "0013_quiz_integrity"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_columns",
        sa.Column("header_key", sa.String(length=200), nullable=False),
        sa.Column("field", sa.String(length=20), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("header_key", name=op.f("pk_import_columns")),
    )


def downgrade():
    op.drop_table("import_columns")
