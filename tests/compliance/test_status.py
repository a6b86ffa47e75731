"""status() in Python and status_sql() in the database classify every row alike."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from tests.factories import make_course, make_user
from trainer.compliance.status import COMPLIANT, STATUSES, Thresholds, status, status_sql
from trainer.models import Assignment, Course, User

D = dt.date
BASE = D(2026, 6, 15)
days = st.integers(min_value=-400, max_value=400).map(lambda n: BASE + dt.timedelta(days=n))
maybe_days = st.none() | days

assignment_rows = st.fixed_dictionaries({
    "reason": st.sampled_from(["new_hire", "requirement", "refresher", "regulation_update",
                               "major_change"]),
    "assigned_on": days,
    "due_on": days,
    "started_on": maybe_days,
    "completed_on": maybe_days,
    "expires_on": maybe_days,
    "closed_on": maybe_days,
})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(assignment_rows, min_size=1, max_size=12), today=days,
       due_soon=st.integers(0, 30), expiring=st.integers(0, 60))
def test_python_and_sql_status_agree(session, rows, today, due_soon, expiring):
    session.execute(delete(Assignment))
    users = list(session.scalars(select(User).order_by(User.id)))
    users += [make_user(session) for _ in range(len(rows) - len(users))]
    course = session.scalar(select(Course).limit(1)) or make_course(session, modules=0)
    # One person each: a person has at most one current cycle of a course.
    assignments = [Assignment(user_id=user.id, course_id=course.id, cycle=1, current=True, **row)
                   for user, row in zip(users, rows, strict=False)]
    session.add_all(assignments)
    session.flush()
    thresholds = Thresholds(due_soon_days=due_soon, expiring_days=expiring)
    in_sql = dict(session.execute(select(Assignment.id, status_sql(today, thresholds))).all())
    for assignment in assignments:
        expected = status(assignment, today, thresholds)
        assert expected in STATUSES
        assert in_sql[assignment.id] == expected, (assignment.__dict__, today)


@settings(max_examples=300, deadline=None)
@given(row=assignment_rows, today=days, due_soon=st.integers(0, 30), expiring=st.integers(0, 60))
def test_the_documented_rules_hold_for_any_row(row, today, due_soon, expiring):
    """docs/compliance.md, stated independently of status()'s order of checks."""
    a = Assignment(user_id=1, course_id=1, cycle=1, current=True, **row)
    got = status(a, today, Thresholds(due_soon_days=due_soon, expiring_days=expiring))
    done, closed = a.completed_on is not None, a.closed_on is not None
    still_valid = a.expires_on is None or today <= a.expires_on
    if done:
        assert (got in COMPLIANT) == still_valid
    elif closed:
        assert got == "closed"
    elif today > a.due_on:
        assert got == "overdue"  # late only after the due date
    elif a.reason == "refresher":
        assert got == "expiring"  # the completion it renews holds until the due date
    elif a.reason in ("major_change", "regulation_update"):
        assert got == ("update_pending" if still_valid else "expired")
    else:
        assert got not in COMPLIANT  # a first cycle not yet done
