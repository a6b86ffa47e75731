"""Assignments carry two indexes fewer: every insert (a first sync writes one row per person
and course) paid for nine; queries lose nothing.

- ix_assignments_user_current (user, current) answered nothing the others do not: a
  person's current cycles come from uq_assignments_one_current (user, course WHERE current)
  or the covering index, their other cycles from the unique key (user, course, cycle).
- ix_assignments_current_due (current, due) is merged into the covering index, whose second
  column becomes the due date: "current and due by" (reminder escalations) reads a range of
  it, and the dashboard's scans read all of its current entries in any order.

Revision ID: 0018_assignment_indexes
Revises: 0017_compliance_counts
"""
from alembic import op


revision = "0018_assignment_indexes"
down_revision = "0017_compliance_counts"
branch_labels = None
depends_on = None

REPORT = "ix_assignments_current_report"
REPORT_TAIL = ["completed_on", "expires_on", "closed_on", "started_on", "reason"]

# Plain op.create_index / op.drop_index, not batch_alter_table: on SQLite a batch may copy
# the table, which would drop the triggers of 0017 that keep the dashboard's counts.


def upgrade():
    op.drop_index("ix_assignments_user_current", table_name="assignments")
    op.drop_index("ix_assignments_current_due", table_name="assignments")
    op.drop_index(REPORT, table_name="assignments")
    op.create_index(REPORT, "assignments", ["current", "due_on", "user_id", "course_id", *REPORT_TAIL])


def downgrade():
    op.drop_index(REPORT, table_name="assignments")
    op.create_index(REPORT, "assignments", ["current", "user_id", "course_id", "due_on", *REPORT_TAIL])
    op.create_index("ix_assignments_current_due", "assignments", ["current", "due_on"])
    op.create_index("ix_assignments_user_current", "assignments", ["user_id", "current"])
