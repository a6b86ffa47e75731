"""The database plans first cycles (`first_cycles.insert_first_cycles`, one INSERT ...
SELECT) exactly as the Python planner does (`_missing`, `_restore_valid`, `_create`).

A varied organisation is synced twice from the same state inside a savepoint: once by the
Python planner alone (the SQL step switched off, so `_missing` sees every pair, as before
the SQL step existed) and once as the sync runs now. Every assignment, the sync's counts and
the dashboard's kept counts must come out the same. The organisation holds each case either
path treats specially: several rules per course (the strictest wins; equal due days: the
older rule), job roles in another case, named people, a hired-after date and people hired on
it and the day after, people hired on the day a rule was created and the day before, today
and later, no hiring date, inactive and pseudonymised people, a paused rule, a retired
course, a requirement's own refresher interval, and people with earlier cycles: a valid
completion, one expiring exactly today, one expired yesterday, a cycle closed by a
deactivation (the person is back), and one closed by leaving the audience.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import event, select, text, true

from tests.compliance.helpers import require, sync
from tests.factories import make_course, make_user
from trainer import clock
from trainer.audit import Actor
from trainer.compliance import sync as sync_module
from trainer.compliance.counts import stored_counts
from trainer.compliance.requirements import set_status
from trainer.extensions import db
from trainer.models import Assignment, Course, Requirement, User
from trainer.people.accounts import get_or_create_department

CREATED = dt.date(2026, 3, 2)  # the rules' creation day
TODAY = dt.date(2026, 6, 15)


def _organisation(session) -> dict[str, Any]:
    sales = get_or_create_department(session, "Sales")
    ops = get_or_create_department(session, "Ops")
    a = make_course(session, slug="a", refresher_months=12, due_days=30)
    b = make_course(session, slug="b", refresher_months=None)
    c = make_course(session, slug="c", refresher_months=6)
    d = make_course(session, slug="d")
    e = make_course(session, slug="e")
    hired = [None, dt.date(2025, 1, 1), CREATED - dt.timedelta(days=1), CREATED,
             dt.date(2026, 1, 31), dt.date(2026, 2, 1), TODAY, TODAY + dt.timedelta(days=10)]
    people = []
    for i in range(32):
        people.append(make_user(
            session, email=f"p{i}@example.com", hired_on=hired[i % len(hired)],
            department=("Sales", "Ops", "Customer Service", None)[i % 4],
            job_role=("Agent", "agent", "Lead", None)[i % 4] if i % 5 else "Agent ",
            active=i not in (3, 17)))
    with clock.frozen(CREATED):
        require(session, a, name="a everyone", due_days=30)
        require(session, a, name="a sales", department_ids=[sales.id], due_days=10)
        require(session, b, name="b agents", job_roles=["AGENT"], due_days=14)
        require(session, b, name="b named", user_ids=[people[i].id for i in (2, 3, 6, 8)], due_days=7)
        require(session, c, name="c recent", everyone=True, hired_after=dt.date(2026, 1, 31),
                due_days=20, refresher_months=24)
        require(session, c, name="c ops", department_ids=[ops.id], due_days=20)
        require(session, d, name="d everyone", due_days=5)
        paused = require(session, e, name="e paused", due_days=5)
    set_status(session, Actor.cli(), paused, "paused")
    session.get(Course, d.id).retired_at = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    people[9].pseudonymised_at = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    _history(session, people, a, b, c)
    session.flush()
    return {"people": people, "courses": [a, b, c, d, e]}


def _history(session, people: list[User], a: Course, b: Course, c: Course) -> None:
    """Earlier cycles of some people, not current: the Python planner's exceptions."""
    def cycle(user: User, course: Course, n: int, **values: Any) -> None:
        session.add(Assignment(user_id=user.id, course_id=course.id, cycle=n, reason="requirement",
                               assigned_on=dt.date(2025, 1, 1), due_on=dt.date(2025, 2, 1),
                               current=False, change_note="", **values))

    left = {"closed_on": dt.date(2026, 4, 1), "closed_reason": "no longer in the audience"}
    cycle(people[0], a, 1, completed_on=dt.date(2025, 6, 1), expires_on=dt.date(2026, 6, 1), **left)
    cycle(people[1], a, 1, completed_on=dt.date(2025, 6, 15), expires_on=TODAY, **left)  # valid today
    cycle(people[4], a, 1, completed_on=dt.date(2025, 6, 14), expires_on=TODAY - dt.timedelta(days=1), **left)
    cycle(people[5], a, 1, completed_on=dt.date(2025, 6, 14), expires_on=TODAY - dt.timedelta(days=1), **left)
    cycle(people[5], a, 2, closed_on=dt.date(2026, 5, 1), closed_reason="deactivated")  # back
    cycle(people[6], b, 1, completed_on=dt.date(2024, 6, 1), **left)  # never expires
    cycle(people[7], c, 1, closed_on=dt.date(2026, 5, 1), closed_reason="deactivated")
    cycle(people[7], c, 2, completed_on=dt.date(2026, 1, 1), expires_on=dt.date(2026, 5, 1), **left)
    cycle(people[10], c, 1, **left)
    cycle(people[13], a, 3, closed_on=dt.date(2026, 5, 1), closed_reason="deactivated")


def _snapshot(session) -> list[tuple[Any, ...]]:
    a = Assignment
    rows = session.execute(
        select(User.email, Course.slug, Requirement.name, a.cycle, a.reason, a.assigned_on, a.due_on,
               a.counts_from, a.current, a.closed_on, a.closed_reason, a.change_note,
               a.regulation_update_id, a.started_on, a.completed_on, a.expires_on)
        .join(User, User.id == a.user_id).join(Course, Course.id == a.course_id)
        .outerjoin(Requirement, Requirement.id == a.requirement_id))
    return sorted((tuple(row) for row in rows), key=str)


def _both_ways(session, monkeypatch, **kwargs: Any) -> tuple[Any, Any, int]:
    """(the Python planner's outcome, the current sync's, first cycles the SQL step wrote)."""
    inserted: list[int] = []
    sql_step = sync_module.insert_first_cycles
    has_any_cycle = sync_module.has_any_cycle

    def counted(*args: Any) -> int:
        inserted.append(sql_step(*args))
        return inserted[-1]

    outcomes = []
    for step in (lambda *_args: 0, counted):
        savepoint = session.begin_nested()
        monkeypatch.setattr(sync_module, "insert_first_cycles", step)
        # The reference: `_missing` hands every pair to Python, not only people with history.
        monkeypatch.setattr(sync_module, "has_any_cycle",
                            (lambda _course_id: true()) if step is not counted else has_any_cycle)
        result = sync(session, TODAY, **kwargs)
        session.flush()
        outcomes.append((result, _snapshot(session), stored_counts(session)))
        savepoint.rollback()
    return outcomes[0], outcomes[1], sum(inserted)


def test_sql_first_cycles_match_the_python_planner(session, monkeypatch):
    _organisation(session)
    reference, now, by_sql = _both_ways(session, monkeypatch)
    assert by_sql > 20  # the SQL step did the common case
    assert reference[0].restored >= 3 and reference[0].created > by_sql  # and Python the rest
    assert now == reference


@pytest.mark.parametrize("some", [range(0, 32, 3), range(5, 9)])
def test_sql_first_cycles_match_for_some_people(session, monkeypatch, some):
    people = _organisation(session)["people"]
    reference, now, by_sql = _both_ways(session, monkeypatch, user_ids=[people[i].id for i in some])
    assert by_sql > 0
    assert now == reference
    assert {row[0] for row in now[1] if row[8]} <= {people[i].email for i in some}


@pytest.mark.parametrize("parameters", [1, sync_module.PARAMETERS])
def test_many_people_are_synced_in_parts_within_the_parameter_limit(session, monkeypatch, parameters):
    """12,000 ids named once per rule (6 active rules) would pass PostgreSQL's limit on
    bound parameters (65,535; SQLite's build here allows more); the sync works through them
    in parts (one person at a time with PARAMETERS = 1)."""
    people = _organisation(session)["people"]
    monkeypatch.setattr(sync_module, "PARAMETERS", parameters)
    ids = [p.id for p in people]
    if parameters > 1:
        ids += range(10**6, 10**6 + 12_000)  # nobody has these
    reference, now, by_sql = _both_ways(session, monkeypatch, user_ids=ids)
    assert by_sql > 20
    assert now == reference


def test_a_sync_with_nothing_missing_skips_planning(session, monkeypatch):
    _organisation(session)
    sync(session, TODAY)
    session.flush()

    def planned(*_args: Any) -> Any:
        raise AssertionError("nothing is missing: no planning")

    monkeypatch.setattr(sync_module, "insert_first_cycles", planned)
    monkeypatch.setattr(sync_module, "_missing", planned)
    assert sync(session, TODAY).changes == 0
    make_user(session, email="new@example.com", department="Sales")
    monkeypatch.undo()
    assert sync(session, TODAY).created == 2  # a and b (an agent); not c: no hiring date


def test_postgresql_plans_only_the_insert_without_nested_loops(session):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("a PostgreSQL planner setting")
    during: list[str] = []

    def planned(connection, _cursor, statement, *_args) -> None:
        if statement.startswith("INSERT INTO assignments") and "SELECT" in statement:
            raw = connection.connection.driver_connection
            during.append(raw.execute("SHOW enable_nestloop").fetchone()[0])

    _organisation(session)
    event.listen(db.engine, "before_cursor_execute", planned)
    try:
        assert sync(session, TODAY).created > 20
    finally:
        event.remove(db.engine, "before_cursor_execute", planned)
    assert during == ["off"]
    # Restored right after it, for the rest of the transaction.
    assert session.scalar(text("SELECT current_setting('enable_nestloop')")) == "on"
