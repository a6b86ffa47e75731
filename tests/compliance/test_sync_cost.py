"""A sync with nothing to do asks the database for differences only: its cost in statements
does not grow with the number of people or assignments."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event

from tests.compliance.helpers import require, sync
from tests.factories import make_course, make_user
from trainer.audit import Actor
from trainer.compliance.requirements import set_status
from trainer.compliance.survey import Survey, survey_current
from trainer.compliance.sync import _live_requirements
from trainer.extensions import db
from trainer.models import Assignment


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
    # Lock (PostgreSQL), rules (and their groups, 4), the survey (2), refreshers.
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


def test_noop_survey_reads_current_assignments_from_an_index(session):
    """The survey of a sync with nothing to do walks the current assignments in an index
    (the partial index's predicate, IS_CURRENT, written as SQLite needs it), never the
    table's rows of every cycle."""
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("the rule matched here is SQLite's; PostgreSQL plans by its statistics")
    require(session, make_course(session))
    make_user(session)
    sync(session, dt.date(2026, 1, 5))
    session.commit()
    surveys: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, *_args) -> None:
        if "count(*)" in statement and "FROM assignments JOIN users" in statement:
            surveys.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        sync(session, dt.date(2026, 1, 6))
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    [(statement, parameters)] = surveys
    plan = [row[3] for row in session.connection().exec_driver_sql(
        "EXPLAIN QUERY PLAN " + statement, parameters)]
    assert any(step.startswith("SCAN assignments USING COVERING INDEX") for step in plan), plan


def test_survey_counts_equal_the_pairs_counted_one_by_one(session):
    """unwanted / held / wanted against a count made pair by pair in Python, with a paused
    rule (keeps, gives nothing), a job-role rule and a person without a job role (NULL is
    not wanted), a deactivated person, and `only`."""
    everyone, by_role, paused_course = (make_course(session) for _ in range(3))
    require(session, everyone)
    require(session, by_role, job_roles=["Agent"])
    paused = require(session, paused_course)
    agent, no_role, leaver = make_user(session), make_user(session, job_role=None), make_user(session)
    other = make_user(session, job_role="Clerk")
    sync(session, dt.date(2026, 1, 5))
    set_status(session, Actor.cli(), paused, "paused")
    newcomer = make_user(session)  # the paused rule gives the newcomer nothing
    leaver.active = False
    no_role_holds = Assignment(user_id=no_role.id, course_id=by_role.id, cycle=1, reason="requirement",
                               assigned_on=dt.date(2026, 1, 5), due_on=dt.date(2026, 2, 4), current=True)
    session.add(no_role_holds)
    session.flush()
    live = _live_requirements(session)
    active = {course: [r for r in rules if r.status == "active"] for course, rules in live.items()}

    survey = survey_current(session, live, active, None)
    # Current: everyone (agent, no_role, leaver, other), by_role (agent, leaver: "Agent" by
    # default, and no_role's added), paused (agent, no_role, leaver, other) = 11. Unwanted:
    # the leaver's three and no_role's by_role (NULL role); the paused rule's are kept.
    # Held: everyone 3 + by_role 1 (agent). Wanted: everyone 4 (with the newcomer) +
    # by_role 2 (agent, newcomer).
    assert survey == Survey(unwanted=4, held=4, wanted=6)
    assert survey.anyone_missing
    assert survey_current(session, live, active, {agent.id, other.id}) == Survey(unwanted=0, held=3, wanted=3)
    assert not survey_current(session, live, active, {agent.id, other.id}).anyone_missing
    assert survey_current(session, live, active, {newcomer.id}) == Survey(unwanted=0, held=0, wanted=2)

    sync(session, dt.date(2026, 1, 6))
    after = survey_current(session, live, active, None)
    assert after == Survey(unwanted=0, held=6, wanted=6)
    assert not after.anyone_missing


@pytest.mark.parametrize(("wanted", "held", "missing"), [(5, 5, False), (5, 4, True), (0, 0, False)])
def test_someone_is_missing_exactly_when_fewer_are_held_than_wanted(wanted, held, missing):
    assert Survey(unwanted=0, held=held, wanted=wanted).anyone_missing is missing


def test_survey_without_paused_rules_counts_the_unwanted_as_the_rest(session):
    """With no paused rule the live and active conditions are one, evaluated once: the
    unwanted are the current assignments not held by that condition."""
    course = make_course(session)
    require(session, course)
    stays, leaves = make_user(session), make_user(session)
    sync(session, dt.date(2026, 1, 5))
    leaves.active = False
    session.flush()
    live = _live_requirements(session)
    assert survey_current(session, live, live, None) == Survey(unwanted=1, held=1, wanted=1)
    assert sync(session, dt.date(2026, 1, 6)).closed == 1
    assert survey_current(session, live, live, {stays.id}) == Survey(unwanted=0, held=1, wanted=1)
