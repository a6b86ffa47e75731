"""Planning: which reminders the outbox gets on which day, once, for whom."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, select

from tests.compliance.helpers import complete_course, complete_module, current, require, sync
from tests.factories import make_course, make_user
from tests.notify.helpers import keys, plan, settings
from trainer import clock
from trainer.audit import Actor
from trainer.compliance.regulation_updates import acknowledge_update, publish_update
from trainer.compliance.requirements import set_status
from trainer.models import AuditEvent, Notification, RegulationUpdate, User, hr_scope

D = dt.date
START = D(2026, 3, 2)  # a Monday


def days(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def daily(session, until: int, reminder_settings=None, start: int = 0) -> list[tuple[int, str]]:
    """Plan every day from `start` to `until`; (day, key) for each row planned."""
    out = []
    for n in range(start, until + 1):
        before = set(keys(session))
        plan(session, days(n), reminder_settings)
        out += [(n, key) for key in keys(session) if key not in before]
    return out


def one_person(session, *, due_days=30, **user):
    course = make_course(session, due_days=due_days)
    person = make_user(session, **user)
    require(session, course, user_ids=[person.id], due_days=due_days)
    sync(session, START)
    return course, person


def test_each_milestone_is_planned_once_on_its_day(session):
    _, ada = one_person(session)
    a = current(session, ada, _course_of(session, ada)).id
    assert daily(session, 60) == [
        (0, f"assignment:{a}:assigned:0"),
        (16, f"assignment:{a}:due_soon:14"),
        (27, f"assignment:{a}:due_soon:3"),
        (30, f"assignment:{a}:due_today:0"),
        (37, f"assignment:{a}:overdue:1"),
        (44, f"assignment:{a}:overdue:2"),
        (51, f"assignment:{a}:overdue:3"),
        (58, f"assignment:{a}:overdue:4"),
    ]


def test_after_days_without_a_run_only_the_latest_reminder_is_planned(session):
    _, ada = one_person(session)
    a = current(session, ada, _course_of(session, ada)).id
    plan(session, days(0))
    # Cron was down from day 1 to day 27: "14 days left" is stale, "3 days left" is current.
    plan(session, days(28))
    # ... and down again until day 46: no due_today, no overdue week 1, just week 2.
    plan(session, days(46))
    assert keys(session) == [f"assignment:{a}:assigned:0", f"assignment:{a}:due_soon:3",
                             f"assignment:{a}:overdue:2"]


def test_a_course_due_in_three_days_starts_with_the_assignment_notice_only(session):
    _, ada = one_person(session, due_days=3)
    a = current(session, ada, _course_of(session, ada)).id
    assert daily(session, 4) == [(0, f"assignment:{a}:assigned:0"), (3, f"assignment:{a}:due_today:0")]


def test_planning_the_same_day_twice_adds_nothing(session):
    one_person(session)
    assert plan(session, days(0)).reminders == 1
    assert plan(session, days(0)).total == 0
    assert session.scalar(select(func.count()).select_from(Notification)) == 1
    planned_events = session.scalars(select(AuditEvent).where(AuditEvent.action == "reminders.planned"))
    assert [e.details["reminders"] for e in planned_events] == [1]


def test_the_cadence_follows_the_configuration(session):
    _, ada = one_person(session)
    a = current(session, ada, _course_of(session, ada)).id
    custom = settings(due_soon_days=(7,), overdue_every_days=14, escalate_after_days=100)
    assert daily(session, 60, custom) == [
        (0, f"assignment:{a}:assigned:0"), (23, f"assignment:{a}:due_soon:7"),
        (30, f"assignment:{a}:due_today:0"), (44, f"assignment:{a}:overdue:1"),
        (58, f"assignment:{a}:overdue:2"),
    ]


def test_completed_deactivated_and_retired_training_is_not_reminded(session):
    course, retired_rule_course, retired_course = (make_course(session) for _ in range(3))
    done, leaver, keen = (make_user(session, name=n) for n in ("Done", "Leaver", "Keen"))
    require(session, course)
    rule = require(session, retired_rule_course, user_ids=[keen.id])
    require(session, retired_course, user_ids=[keen.id])
    sync(session, START)
    complete_course(session, done, course, days(1))
    leaver.active = False
    set_status(session, Actor.cli(), rule, "retired")
    retired_course.retired_at = clock.now()
    plan(session, days(20))
    recipients = set(session.scalars(select(Notification.user_id)))
    assert recipients == {keen.id}  # only Keen's remaining course
    assert {n.assignment_id for n in session.scalars(select(Notification))} == {
        current(session, keen, course).id}


def test_escalation_goes_to_each_persons_own_manager(session):
    course = make_course(session)
    mona, max_ = make_user(session, name="Mona"), make_user(session, name="Max")
    ada, ben = make_user(session, manager=mona), make_user(session, manager=max_)
    require(session, course, user_ids=[ada.id, ben.id])
    sync(session, START)
    plan(session, days(43))  # 13 days overdue: not yet
    assert _escalations(session) == set()
    plan(session, days(44))
    assert _escalations(session) == {(mona.id, ada.id), (max_.id, ben.id)}
    plan(session, days(58))  # once per assignment and recipient, not weekly
    assert session.scalar(select(func.count()).select_from(Notification)
                          .where(Notification.kind == "escalation")) == 2


def test_without_an_active_manager_escalation_goes_to_hr_covering_the_department(session):
    course = make_course(session)
    sales_hr = make_user(session, roles=("hr",), department="People")
    engineering_hr = make_user(session, roles=("hr",), department="People")
    all_hr = make_user(session, roles=("hr",), department="People")
    _scope(session, sales_hr, "Sales")
    _scope(session, engineering_hr, "Engineering")
    gone_manager = make_user(session, active=False)
    cy = make_user(session, department="Sales")
    dee = make_user(session, department="Sales", manager=gone_manager)
    require(session, course, user_ids=[cy.id, dee.id])
    sync(session, START)
    plan(session, days(44))
    assert _escalations(session) == {(sales_hr.id, cy.id), (all_hr.id, cy.id),
                                     (sales_hr.id, dee.id), (all_hr.id, dee.id)}


def test_regulation_updates_are_announced_for_retrain_cycles_and_acknowledgements(session):
    course, policy = make_course(session, modules=2), make_course(session, modules=1)
    done, partial, reader = (make_user(session, name=n) for n in ("Done", "Partial", "Reader"))
    require(session, course)
    require(session, policy)
    sync(session, START)
    for person in (done, reader):
        complete_course(session, person, course, days(1))
        complete_course(session, person, policy, days(1))
    complete_module(session, partial, course.active_modules[1], days(1))
    with clock.frozen(days(10)):
        publish_update(session, Actor.cli(), _update(session, course.active_modules[1], "retrain"),
                       days(10))
        reading = _update(session, policy.active_modules[0], "acknowledge")
        publish_update(session, Actor.cli(), reading, days(10))
        acknowledge_update(session, Actor.cli(), done.id, reading.id)
    plan(session, days(10))
    rows = session.scalars(select(Notification).where(Notification.kind == "regulation_update")).all()
    # Done and Reader get a delta cycle; Partial was mid-way and must redo the affected module;
    # Reader must also acknowledge the policy update (Done already did).
    assert sorted((n.user_id, n.assignment_id is not None) for n in rows) == [
        (done.id, True), (partial.id, True), (reader.id, False), (reader.id, True)]
    assert all(n.regulation_update_id for n in rows)


def test_a_refresher_window_opening_sends_a_refresher_notice(session):
    course = make_course(session, refresher_months=12)
    ada = make_user(session)
    require(session, course)
    sync(session, D(2025, 1, 5))
    complete_course(session, ada, course, D(2025, 3, 10))
    sync(session, D(2026, 2, 8))  # 30 days before expiry the refresher cycle opens
    plan(session, D(2026, 2, 8))
    refresher = current(session, ada, course)
    assert keys(session) == [f"assignment:{refresher.id}:refresher:0"]
    plan(session, D(2026, 2, 24))  # 14 days before the old completion expires
    assert keys(session)[-1] == f"assignment:{refresher.id}:due_soon:14"


def test_weekly_readers_reminders_wait_for_the_next_weekly_slot(session):
    course = make_course(session)
    weekly = make_user(session)
    weekly.digest_frequency = "weekly"
    instant = make_user(session)
    require(session, course)
    sync(session, days(1))
    plan(session, days(1))  # Tuesday noon
    slots = {n.user_id: n.send_after for n in session.scalars(select(Notification))}
    assert slots[instant.id] is None
    assert slots[weekly.id] == dt.datetime(2026, 3, 9, 6, 0, tzinfo=dt.UTC)  # next Monday 06:00
    friday = dataclasses.replace(settings(), digest_weekday=4, digest_hour=15)
    session.query(Notification).delete()
    plan(session, days(4), friday)  # Friday noon: this Friday's 15:00 slot is still ahead
    assert session.scalar(select(Notification.send_after).where(Notification.user_id == weekly.id)) \
        == dt.datetime(2026, 3, 6, 15, 0, tzinfo=dt.UTC)


def _course_of(session, user):
    from trainer.models import Assignment, Course

    return session.scalar(select(Course).join(Assignment).where(Assignment.user_id == user.id))


def _escalations(session) -> set[tuple[int, int]]:
    return {(n.user_id, n.subject_user_id) for n in session.scalars(
        select(Notification).where(Notification.kind == "escalation"))}


def _kinds_by_person(session, kind: str) -> dict[int, int]:
    rows = session.execute(select(Notification.user_id, func.count()).where(Notification.kind == kind)
                           .group_by(Notification.user_id))
    return dict(rows.all())


def _scope(session, hr: User, department: str) -> None:
    from trainer.people.accounts import get_or_create_department

    hr.hr_all_departments = False
    session.execute(hr_scope.insert().values(user_id=hr.id,
                                             department_id=get_or_create_department(session, department).id))


def _update(session, module, action: str) -> RegulationUpdate:
    update = RegulationUpdate(
        title=f"New rule ({action})", regulation="GDPR Art. 33", summary="s", summary_html="<p>s</p>",
        effective_on=days(5), action=action, due_days=14, modules=[module],
    )
    session.add(update)
    session.flush()
    return update
