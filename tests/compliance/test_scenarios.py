"""Scenario tests with a frozen clock: who must do what by when."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from tests.compliance.helpers import complete_course, complete_module, current, cycles, require, sync
from tests.factories import make_course, make_user, publish_version
from trainer.audit import Actor
from trainer.compliance.content_changes import reopen_after_major_change
from trainer.compliance.progress import progress_of
from trainer.compliance.status import status
from trainer.models import Assignment, AuditEvent, Certificate

D = dt.date


def test_rule_applies_to_existing_staff_and_new_hire_is_due_30_days_after_starting(session):
    course = make_course(session, due_days=30)
    veteran = make_user(session, hired_on=D(2020, 5, 1))
    with_clock = D(2026, 1, 10)
    from trainer import clock

    with clock.frozen(with_clock):
        require(session, course)
        newcomer = make_user(session, hired_on=D(2026, 2, 2))
    result = sync(session, D(2026, 1, 15))
    assert result.created == 2
    old = current(session, veteran, course)
    assert old.reason == "requirement"
    assert old.due_on == D(2026, 2, 14)
    new = current(session, newcomer, course)
    assert new.reason == "new_hire"
    # Starts on 2 February: the 30 days count from the first day at work.
    assert new.due_on == D(2026, 3, 4)
    assert status(new, D(2026, 1, 15)) == "not_started"


def test_completion_expiry_refresher_window_and_overdue(session):
    course = make_course(session, refresher_months=12, modules=2)
    ada = make_user(session)
    require(session, course)
    sync(session, D(2026, 1, 5))
    complete_course(session, ada, course, D(2026, 1, 20))
    first = current(session, ada, course)
    assert first.completed_on == D(2026, 1, 20)
    assert first.expires_on == D(2027, 1, 20)
    assert status(first, D(2026, 6, 1)) == "completed"
    assert session.scalar(select(func.count()).select_from(Certificate)) == 1

    # 31 days before expiry: nothing yet. 30 days before: the refresher opens.
    assert sync(session, D(2026, 12, 20)).refreshers == 0
    assert sync(session, D(2026, 12, 21)).refreshers == 1
    refresher = current(session, ada, course)
    assert refresher.reason == "refresher" and refresher.cycle == 2
    assert refresher.due_on == D(2027, 1, 20)
    assert status(refresher, D(2026, 12, 21)) == "expiring"
    assert status(refresher, D(2027, 1, 21)) == "overdue"
    # The old cycle stays as evidence.
    assert cycles(session, ada, course)[0].completed_on == D(2026, 1, 20)


def test_completing_early_in_the_window_extends_from_the_old_expiry(session):
    course = make_course(session, refresher_months=12)
    ada = make_user(session)
    require(session, course)
    sync(session, D(2026, 1, 5))
    complete_course(session, ada, course, D(2026, 1, 20))
    sync(session, D(2026, 12, 28))
    complete_course(session, ada, course, D(2027, 1, 2))
    refreshed = current(session, ada, course)
    assert refreshed.completed_on == D(2027, 1, 2)
    assert refreshed.expires_on == D(2028, 1, 20)  # not 2 Jan 2028: no drift


def test_completing_a_refresher_late_extends_from_the_completion(session):
    course = make_course(session, refresher_months=12)
    ada = make_user(session)
    require(session, course)
    sync(session, D(2026, 1, 5))
    complete_course(session, ada, course, D(2026, 1, 20))
    sync(session, D(2026, 12, 28))
    complete_course(session, ada, course, D(2027, 2, 10))
    assert current(session, ada, course).expires_on == D(2028, 2, 10)


def test_refresher_needs_fresh_completions(session):
    course = make_course(session, refresher_months=12, modules=2)
    ada = make_user(session)
    require(session, course)
    sync(session, D(2026, 1, 5))
    complete_course(session, ada, course, D(2026, 1, 20))
    sync(session, D(2026, 12, 28))
    complete_module(session, ada, course.active_modules[0], D(2027, 1, 2))
    refresher = current(session, ada, course)
    assert refresher.completed_on is None
    assert progress_of(session, refresher).done_count == 1


def test_major_change_reopens_that_module_only(session):
    course = make_course(session, modules=3, refresher_months=12)
    ada, bob = make_user(session), make_user(session)
    require(session, course)
    sync(session, D(2026, 1, 5))
    complete_course(session, ada, course, D(2026, 1, 20))
    complete_module(session, bob, course.active_modules[0], D(2026, 1, 21))
    changed = course.active_modules[1]
    from trainer import clock

    with clock.frozen(D(2026, 3, 1)):
        version = publish_version(session, changed, change="major",
                                  change_note="Breach deadlines rewritten for the new procedure.")
    assert reopen_after_major_change(session, Actor.cli(), version, D(2026, 3, 1)) == 1
    delta = current(session, ada, course)
    assert delta.reason == "major_change" and delta.cycle == 2
    assert delta.due_on == D(2026, 3, 31)
    assert delta.change_note == "Breach deadlines rewritten for the new procedure."
    assert delta.expires_on == D(2027, 1, 20)  # carried over
    progress = progress_of(session, delta)
    assert progress.done_count == 2 and progress.next_module.id == changed.id
    assert status(delta, D(2026, 3, 2)) == "update_pending"  # still compliant until 31 March
    # Bob was part-way through and had not done the changed module: no new cycle for him.
    assert current(session, bob, course).cycle == 1
    complete_module(session, ada, changed, D(2026, 3, 10))
    done = current(session, ada, course)
    assert done.completed_on == D(2026, 3, 10)
    assert done.expires_on == D(2027, 1, 20)


def test_minor_change_reopens_nothing(session):
    course = make_course(session, modules=1)
    ada = make_user(session)
    require(session, course)
    sync(session, D(2026, 1, 5))
    complete_course(session, ada, course, D(2026, 1, 20))
    version = publish_version(session, course.active_modules[0], change="minor")
    assert reopen_after_major_change(session, Actor.cli(), version, D(2026, 3, 1)) == 0
    assert current(session, ada, course).completed_on == D(2026, 1, 20)


def test_department_move_closes_open_assignment_and_keeps_completed_evidence(session):
    course = make_course(session)
    other = make_course(session)
    sales = make_user(session, department="Sales")
    mover = make_user(session, department="Sales")
    from trainer.people.accounts import get_or_create_department

    sales_id = get_or_create_department(session, "Sales").id
    require(session, course, department_ids=[sales_id])
    require(session, other, department_ids=[sales_id])
    sync(session, D(2026, 1, 5))
    complete_course(session, mover, other, D(2026, 1, 10))
    mover.department = get_or_create_department(session, "Warehouse")
    result = sync(session, D(2026, 2, 1))
    assert result.closed == 2
    open_one = cycles(session, mover, course)[0]
    assert not open_one.current and open_one.closed_on == D(2026, 2, 1)
    assert open_one.closed_reason == "no longer in the audience"
    evidence = cycles(session, mover, other)[0]
    assert evidence.completed_on == D(2026, 1, 10) and not evidence.current
    assert current(session, sales, course) is not None


def test_leaver_is_closed_and_a_returner_keeps_a_valid_completion(session):
    course = make_course(session, refresher_months=12)
    ada = make_user(session)
    require(session, course)
    sync(session, D(2026, 1, 5))
    complete_course(session, ada, course, D(2026, 1, 20))
    ada.active = False
    assert sync(session, D(2026, 4, 1)).closed == 1
    assert cycles(session, ada, course)[0].closed_reason == "deactivated"
    ada.active = True
    result = sync(session, D(2026, 6, 1))
    assert result.restored == 1 and result.created == 0
    assert current(session, ada, course).completed_on == D(2026, 1, 20)


def test_resync_with_nothing_changed_writes_nothing(session):
    course = make_course(session)
    for _ in range(5):
        make_user(session)
    require(session, course)
    first = sync(session, D(2026, 1, 5))
    session.commit()
    events = session.scalar(select(func.count()).select_from(AuditEvent))
    second = sync(session, D(2026, 1, 6))
    assert first.created == 5
    assert second.changes == 0
    assert not session.dirty and not session.new
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events
    assert session.scalar(select(func.count()).select_from(Assignment)) == 5


def test_paused_rule_assigns_nobody_new_but_keeps_open_assignments(session):
    from trainer.compliance.requirements import set_status

    course = make_course(session)
    make_user(session)
    rule = require(session, course)
    sync(session, D(2026, 1, 5))
    set_status(session, Actor.cli(), rule, "paused")
    make_user(session)
    result = sync(session, D(2026, 1, 6))
    assert result.created == 0 and result.closed == 0
    set_status(session, Actor.cli(), rule, "retired")
    assert sync(session, D(2026, 1, 7)).closed == 1


def test_fixed_renewal_date_with_grace_period(session):
    course = make_course(session, refresher_months=12)
    early, late = make_user(session), make_user(session)
    require(session, course, renew_month=1, renew_day=31, renew_grace_days=60)
    sync(session, D(2026, 9, 1))
    complete_course(session, early, course, D(2026, 10, 1))
    complete_course(session, late, course, D(2026, 12, 15))
    assert current(session, early, course).expires_on == D(2027, 1, 31)
    # Completed within 60 days before the renewal date: not reassigned for it.
    assert current(session, late, course).expires_on == D(2028, 1, 31)


def test_strictest_rule_wins_when_several_apply(session):
    course = make_course(session)
    ada = make_user(session, job_role="Developer")
    require(session, course, due_days=60)
    require(session, course, job_roles=["developer"], due_days=10, name="Developers first")
    sync(session, D(2026, 1, 5))
    assert current(session, ada, course).due_on == D(2026, 1, 15)
    assert len(cycles(session, ada, course)) == 1


def test_hired_after_narrows_the_audience(session):
    course = make_course(session)
    make_user(session, hired_on=D(2019, 1, 1))
    recent = make_user(session, hired_on=D(2025, 6, 1))
    make_user(session, hired_on=None)
    require(session, course, hired_after=D(2025, 1, 1))
    assert sync(session, D(2026, 1, 5)).created == 1
    assert current(session, recent, course) is not None


def test_preview_counts_matches_and_new_people(session):
    from trainer.compliance.requirements import RequirementSpec, preview

    course = make_course(session)
    for _ in range(3):
        make_user(session, department="Sales")
    make_user(session, department="Warehouse")
    from trainer.people.accounts import get_or_create_department

    sales = get_or_create_department(session, "Sales")
    require(session, course, department_ids=[sales.id])
    sync(session, D(2026, 1, 5))
    spec = RequirementSpec(course_id=course.id, name="Everyone", everyone=True)
    result = preview(session, spec)
    assert (result.matches, result.new) == (4, 1)
    assert result.sentence() == "This rule assigns 4 people, 1 of them new."
