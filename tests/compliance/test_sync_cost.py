"""A sync with nothing to do asks the database for differences only: its cost in statements
does not grow with the number of people or assignments."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event

from tests.compliance.helpers import require, sync
from tests.factories import make_course, make_user
from trainer.extensions import db


def statements_of(work) -> int:
    seen = []

    def count(*_args) -> None:
        seen.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        work()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_noop_sync_cost_does_not_grow_with_people(session):
    courses = [make_course(session) for _ in range(3)]
    for course in courses:
        require(session, course)
    for _ in range(3):
        make_user(session)
    sync(session, dt.date(2026, 1, 5))
    session.commit()
    few = statements_of(lambda: sync(session, dt.date(2026, 1, 6)))
    for _ in range(40):
        make_user(session)
    assert sync(session, dt.date(2026, 1, 7)).created == 120
    session.commit()
    many = statements_of(lambda: sync(session, dt.date(2026, 1, 8)))
    # Lock (PostgreSQL), rules (and their groups, 4), close, anyone missing, refreshers.
    assert few == many <= 9


def test_noop_sync_cost_does_not_grow_with_courses(session):
    for _ in range(3):
        make_user(session)
    counts = []
    for courses in (1, 6):
        for _ in range(courses):
            require(session, make_course(session))
        sync(session, dt.date(2026, 1, 5))
        session.commit()
        counts.append(statements_of(lambda: sync(session, dt.date(2026, 1, 6))))
    assert counts[0] == counts[1]


def test_noop_probe_checks_people_against_the_one_current_index(session):
    """SQLite uses a partial index only for a WHERE term written as its predicate: the probe
    says `assignments.current`, so each person is checked in uq_assignments_one_current
    (with `current IS 1` SQLite reads the table row of every cycle it finds instead)."""
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("the rule matched here is SQLite's; PostgreSQL plans by its statistics")
    require(session, make_course(session))
    make_user(session)
    sync(session, dt.date(2026, 1, 5))
    session.commit()
    probes: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, *_args) -> None:
        if "LIMIT" in statement and "EXISTS" in statement:
            probes.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        sync(session, dt.date(2026, 1, 6))
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    [(statement, parameters)] = probes
    plan = " ".join(row[3] for row in session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN " + statement, parameters))
    assert "uq_assignments_one_current" in plan
