"""Course files and web edits live together: the hash of each file at its last import.

Revision ID: 0011_file_hashes
Revises: 0010_invitations

Existing rows: a module's file is taken to be its last version published by a file import
(no publisher), or its current version; a course's file is its current settings.
"""
from alembic import op
import sqlalchemy as sa


revision = "0011_file_hashes"
down_revision = "0010_invitations"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("courses") as batch:
        batch.add_column(sa.Column("file_hash", sa.String(length=64), nullable=True))
    with op.batch_alter_table("modules") as batch:
        batch.add_column(sa.Column("file_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("file_position", sa.Integer(), nullable=True))
    op.execute("UPDATE courses SET file_hash = source_hash WHERE source_hash <> ''")
    op.execute(
        "UPDATE modules SET file_position = position, file_hash = COALESCE("
        " (SELECT v.content_hash FROM module_versions v WHERE v.module_id = modules.id"
        "  AND v.published_by_id IS NULL ORDER BY v.number DESC LIMIT 1),"
        " (SELECT v.content_hash FROM module_versions v WHERE v.id = modules.current_version_id))"
        " WHERE current_version_id IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table("modules") as batch:
        batch.drop_column("file_position")
        batch.drop_column("file_hash")
    with op.batch_alter_table("courses") as batch:
        batch.drop_column("file_hash")
