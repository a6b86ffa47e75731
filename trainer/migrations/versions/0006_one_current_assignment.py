"""At most one current assignment per person and course; job locks for SQLite.

Concurrent `trainer assignments sync` runs could open the same cycle twice. Existing
duplicates are repaired first: the completed current cycle is kept (the earliest, if
several), otherwise the earliest; the others are closed with a reason, never deleted.

Revision ID: 0006_one_current_assignment
Revises: 0005_scim_links
"""
import datetime as dt
from collections import defaultdict

from alembic import op
import sqlalchemy as sa


revision = "0006_one_current_assignment"
down_revision = "0005_scim_links"
branch_labels = None
depends_on = None

REASON = "duplicate current cycle closed by upgrade 0006"


def upgrade():
    _close_duplicate_current_cycles()
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index("uq_assignments_one_current", ["user_id", "course_id"], unique=True,
                              sqlite_where=sa.text("current"), postgresql_where=sa.text("current"))
    op.create_table(
        "job_locks",
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_locks")),
    )


def downgrade():
    op.drop_table("job_locks")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index("uq_assignments_one_current")


def _close_duplicate_current_cycles():
    assignments = sa.table(
        "assignments", sa.column("id", sa.Integer), sa.column("user_id", sa.Integer),
        sa.column("course_id", sa.Integer), sa.column("cycle", sa.Integer),
        sa.column("completed_on", sa.Date), sa.column("current", sa.Boolean),
        sa.column("closed_on", sa.Date), sa.column("closed_reason", sa.String),
    )
    connection = op.get_bind()
    doubled = (sa.select(assignments.c.user_id, assignments.c.course_id)
               .where(assignments.c.current.is_(True))
               .group_by(assignments.c.user_id, assignments.c.course_id)
               .having(sa.func.count() > 1).subquery())
    rows = connection.execute(
        sa.select(assignments.c.id, assignments.c.user_id, assignments.c.course_id,
                  assignments.c.cycle, assignments.c.completed_on)
        .join(doubled, sa.and_(doubled.c.user_id == assignments.c.user_id,
                               doubled.c.course_id == assignments.c.course_id))
        .where(assignments.c.current.is_(True))
    ).all()
    cycles = defaultdict(list)
    for row in rows:
        cycles[(row.user_id, row.course_id)].append(row)
    surplus = []
    for rows_of_pair in cycles.values():
        keep = min(rows_of_pair, key=lambda r: (r.completed_on is None, r.cycle))
        surplus.extend(r.id for r in rows_of_pair if r.id != keep.id)
    today = dt.datetime.now(dt.timezone.utc).date()
    for start in range(0, len(surplus), 1000):
        connection.execute(
            assignments.update().where(assignments.c.id.in_(surplus[start:start + 1000]))
            .values(current=False, closed_on=today, closed_reason=REASON))
