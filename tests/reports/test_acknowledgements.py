"""Acknowledgement tracking: regulation updates and policy versions, counts and lists,
the due-date boundary, scope, and "remind the outstanding" (outbox, once a day, audited)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.compliance.helpers import complete_course, complete_module, require, sync
from tests.factories import make_course, make_user, publish_version
from trainer import clock
from trainer.audit import Actor
from trainer.compliance.regulation_updates import acknowledge_update, publish_update
from trainer.models import AuditEvent, Notification, RegulationUpdate
from trainer.notify.nudges import remind_assignments, remind_update
from trainer.reports.acknowledgements import (
    AckCounts,
    outstanding_people,
    person_acknowledgements,
    policy_rows,
    policy_summaries,
    update_rows,
    update_summaries,
)
from trainer.reports.filters import ReportFilter

D = dt.date
EVERYONE = ReportFilter()


@pytest.fixture
def acks(session):
    """A course (lesson, policy) due 4 Feb for Ann, Bob, Cat (Sales) and Dan (Support).

    Ann completes on 20 Jan; Bob acknowledges the policy only, on 21 Jan. On 1 Mar an update
    to the policy asks both to acknowledge it by 15 Mar; Ann does on 10 Mar.
    """
    with clock.frozen(D(2025, 12, 1)):
        course = make_course(session, slug="privacy", modules=2, kinds=("lesson", "policy"))
    people = {name: make_user(session, name=name, email=f"{name.lower()}@example.com",
                              department="Support" if name == "Dan" else "Sales")
              for name in ("Ann", "Bob", "Cat", "Dan")}
    require(session, course)
    sync(session, D(2026, 1, 5))
    policy = course.active_modules[1]
    complete_course(session, people["Ann"], course, D(2026, 1, 20))
    complete_module(session, people["Bob"], policy, D(2026, 1, 21))
    update = RegulationUpdate(title="New breach rule", regulation="GDPR Art. 33", summary="Read.",
                              summary_html="<p>Read.</p>", effective_on=D(2026, 3, 1), action="acknowledge",
                              due_days=14, modules=[policy])
    session.add(update)
    session.flush()
    with clock.frozen(D(2026, 3, 1)):
        publish_update(session, Actor.cli(), update, D(2026, 3, 1))
    with clock.frozen(D(2026, 3, 10)):
        acknowledge_update(session, Actor.cli(), people["Ann"].id, update.id)
    session.commit()
    return {"course": course, "policy": policy, "update": update, **people}


def statuses(session, rows) -> dict[str, str]:
    return {row.name: row.status for row in session.execute(rows)}


def test_an_update_is_outstanding_on_its_due_date_and_overdue_the_day_after(session, acks):
    update = acks["update"]
    on_due = statuses(session, update_rows(update.id, EVERYONE, D(2026, 3, 15)))
    assert on_due == {"Ann": "acknowledged", "Bob": "outstanding"}
    assert statuses(session, update_rows(update.id, EVERYONE, D(2026, 3, 16))) == {
        "Ann": "acknowledged", "Bob": "overdue"}
    [summary] = update_summaries(session, EVERYONE, D(2026, 3, 16))
    assert summary.counts == AckCounts(acknowledged=1, outstanding=0, overdue=1)
    acknowledged = session.execute(update_rows(update.id, EVERYONE, D(2026, 3, 16), "acknowledged")).one()
    assert acknowledged.acknowledged_at == dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC)  # frozen: noon


def test_the_current_policy_version_counts_open_cycles_without_an_acknowledgement(session, acks):
    version = acks["policy"].current_version
    assert statuses(session, policy_rows(version, EVERYONE, D(2026, 2, 4))) == {
        "Ann": "acknowledged", "Bob": "acknowledged", "Cat": "outstanding", "Dan": "outstanding"}
    [summary] = policy_summaries(session, EVERYONE, D(2026, 2, 5))
    assert summary.current and summary.counts == AckCounts(acknowledged=2, outstanding=0, overdue=2)


def test_a_minor_version_keeps_earlier_acknowledgements_a_major_one_does_not(session, acks):
    policy, v1 = acks["policy"], acks["policy"].current_version
    with clock.frozen(D(2026, 4, 1)):
        v2 = publish_version(session, policy, kind="policy", change="minor")
    today = D(2026, 4, 2)
    assert statuses(session, policy_rows(v1, EVERYONE, today)) == {"Ann": "acknowledged",
                                                                   "Bob": "acknowledged"}
    assert statuses(session, policy_rows(v2, EVERYONE, today)) == {"Cat": "overdue", "Dan": "overdue"}
    with clock.frozen(D(2026, 4, 3)):
        v3 = publish_version(session, policy, kind="policy", change="major")
    # Bob's cycle is still open and his acknowledgement of version 1 is below the new floor.
    assert statuses(session, policy_rows(v3, EVERYONE, today)) == {"Bob": "overdue", "Cat": "overdue",
                                                                    "Dan": "overdue"}


def test_lists_keep_to_the_scope_department_and_status(session, acks):
    version = acks["policy"].current_version
    sales = ReportFilter(scope=frozenset({acks["Ann"].department_id}))
    assert set(statuses(session, policy_rows(version, sales, D(2026, 2, 5)))) == {"Ann", "Bob", "Cat"}
    support = ReportFilter(department_id=acks["Dan"].department_id)
    assert statuses(session, policy_rows(version, support, D(2026, 2, 5))) == {"Dan": "overdue"}
    overdue = statuses(session, policy_rows(version, EVERYONE, D(2026, 2, 5), "overdue"))
    assert overdue == {"Cat": "overdue", "Dan": "overdue"}
    nobody = ReportFilter(scope=frozenset())
    assert update_summaries(session, nobody, D(2026, 3, 16))[0].counts == AckCounts()


def test_a_person_sees_their_updates_and_policy_versions(session, acks):
    mine = person_acknowledgements(session, acks["Bob"].id, D(2026, 3, 16))
    assert [(a.kind, a.status, a.version) for a in mine] == [("regulation_update", "overdue", None),
                                                             ("policy", "acknowledged", 1)]
    assert mine[0].subject == "GDPR Art. 33: New breach rule" and mine[0].due_on == D(2026, 3, 15)


def test_reminding_the_outstanding_goes_through_the_outbox_once_a_day_and_is_audited(session, acks):
    update, today = acks["update"], D(2026, 3, 16)
    people = outstanding_people(session, update_rows(update.id, EVERYONE, today))
    assert people == [acks["Bob"].id]
    with clock.frozen(today):
        first = remind_update(session, Actor.cli(), update, people, today)
        again = remind_update(session, Actor.cli(), update, people, today)
        bob_and_cat = [acks["Bob"].id, acks["Cat"].id]
        policy = remind_assignments(session, Actor.cli(), bob_and_cat, [acks["course"].id], today,
                                    action="acknowledgements.reminded",
                                    target=acks["policy"].current_version)
    assert (first.reminded, first.already_today) == (1, 0)
    assert (again.reminded, again.already_today) == (0, 1)
    assert (policy.reminded, policy.already_today) == (1, 1)  # Bob had his one reminder today
    rows = session.scalars(select(Notification).order_by(Notification.id)).all()
    assert [(n.user_id, n.kind, n.regulation_update_id is not None, n.assignment_id is not None)
            for n in rows] == [(acks["Bob"].id, "regulation_update", True, False),
                               (acks["Cat"].id, "overdue", False, True)]
    with clock.frozen(today + dt.timedelta(days=1)):
        tomorrow = remind_update(session, Actor.cli(), update, people, today + dt.timedelta(days=1))
    assert tomorrow.reminded == 1
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "acknowledgements.reminded")).all()
    assert [e.details["reminded"] for e in events] == [1, 0, 1, 1]
    assert session.scalar(select(func.count()).select_from(Notification)) == 3
