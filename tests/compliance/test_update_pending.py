"""Reopened cycles do not make trained people non-compliant before the cycle is due.

The issue's finding: a one-paragraph major change of a policy dropped a course from 90% to
4% compliant on the day it was published, although nobody was late. docs/compliance.md
holds the rules these tests pin down.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.compliance.helpers import complete_course, complete_module, current, require, sync
from tests.factories import make_course, make_user, publish_version
from trainer import clock
from trainer.audit import Actor
from trainer.compliance.overview import AssignmentView
from trainer.compliance.progress import progress_of
from trainer.compliance.publishing import apply_published_content
from trainer.compliance.status import COMPLIANT, Thresholds, status
from trainer.learning.dashboard import status_text
from trainer.reports.dashboard import compliance_overview
from trainer.reports.filters import ReportFilter
from trainer.reports.trend import reconstruct

D = dt.date
T = Thresholds(due_soon_days=14, expiring_days=30)
PUBLISHED = D(2026, 3, 2)
NOTE = "Section 3 now names the breach hotline."


def _policy_course_with_ten_people(session):
    """Nine of ten people completed the course in January; the tenth has not started."""
    course = make_course(session, modules=2, kinds=("lesson", "policy"), due_days=30,
                         refresher_months=12)
    people = [make_user(session) for _ in range(10)]
    require(session, course)
    sync(session, D(2026, 1, 5))
    for person in people[:9]:
        complete_course(session, person, course, D(2026, 1, 20))
    return course, people


def _publish_major_policy_change(session, course):
    policy = course.active_modules[1]
    with clock.frozen(PUBLISHED):
        version = publish_version(session, policy, kind="policy", change="major",
                                  change_note=NOTE, body="One paragraph changed.")
        apply_published_content(session, Actor.cli(), PUBLISHED, major_versions=[version])
    return version


def _share(session, day):
    return compliance_overview(session, day, T, ReportFilter()).total.percent


def test_major_policy_change_keeps_the_compliant_share_until_the_due_date(session):
    course, people = _policy_course_with_ten_people(session)
    assert _share(session, PUBLISHED) == 90
    _publish_major_policy_change(session, course)

    reopened = current(session, people[0], course)
    assert reopened.reason == "major_change" and reopened.due_on == PUBLISHED + dt.timedelta(days=30)
    assert _share(session, PUBLISHED) == 90  # the day of publishing: nobody is late
    overview = compliance_overview(session, PUBLISHED, T, ReportFilter()).total
    assert overview["update_pending"] == 9
    assert _share(session, reopened.due_on) == 90  # the due date itself still counts

    # Four of the nine acknowledge the new version in time; the other five become overdue
    # the day after the due date, not before.
    for person in people[:4]:
        complete_module(session, person, course.active_modules[1], D(2026, 3, 20))
    after = compliance_overview(session, reopened.due_on + dt.timedelta(days=1), T, ReportFilter()).total
    assert after["overdue"] == 5 + 1  # five late acknowledgements, and the one never trained
    assert after.compliant == 4 and after.percent == 40


def test_trend_and_snapshots_follow_the_same_rule(session):
    course, _ = _policy_course_with_ten_people(session)
    _publish_major_policy_change(session, course)
    due = PUBLISHED + dt.timedelta(days=30)
    days = [PUBLISHED, due, due + dt.timedelta(days=1)]
    history = reconstruct(session, days, T, ReportFilter())
    assert history[PUBLISHED] == (10, 9)
    assert history[due] == (10, 9)
    assert history[due + dt.timedelta(days=1)] == (10, 0)


def test_a_reopened_cycle_on_its_due_date_and_the_day_after(session):
    course, people = _policy_course_with_ten_people(session)
    _publish_major_policy_change(session, course)
    delta = current(session, people[0], course)
    assert status(delta, PUBLISHED, T) == "update_pending"
    assert status(delta, delta.due_on, T) == "update_pending"
    assert status(delta, delta.due_on + dt.timedelta(days=1), T) == "overdue"
    assert "update_pending" in COMPLIANT


def test_refresher_and_delta_cycles_on_their_boundaries(session):
    """Exactly the due date counts as in time; the carried-over expiry holds through its day."""
    course = make_course(session, modules=1, refresher_months=12)
    ada = make_user(session)
    require(session, course)
    sync(session, D(2025, 1, 5))
    complete_course(session, ada, course, D(2025, 4, 10))  # expires 10 Apr 2026
    with clock.frozen(D(2026, 3, 1)):
        version = publish_version(session, course.active_modules[0], change="major", change_note=NOTE)
        # A long due period, so that the expiry comes first.
        apply_published_content(session, Actor.cli(), D(2026, 3, 1), major_versions=[version],
                                refresher_window_days=0)
    delta = current(session, ada, course)
    assert delta.reason == "major_change" and delta.expires_on == D(2026, 4, 10)
    delta.due_on = D(2026, 5, 1)
    assert status(delta, D(2026, 4, 10), T) == "update_pending"
    assert status(delta, D(2026, 4, 11), T) == "expired"  # nobody opened the refresher
    assert status(delta, D(2026, 5, 2), T) == "overdue"


@pytest.mark.parametrize(("due_days", "refresher_due"), [(30, D(2026, 3, 3)), (90, D(2026, 4, 10))])
def test_a_delta_cycle_gives_way_to_the_refresher_when_its_expiry_nears(session, due_days, refresher_due):
    """The refresher is due on the expiry, or on the delta cycle's due date if that is earlier."""
    course = make_course(session, modules=2, refresher_months=12, due_days=due_days)
    ada = make_user(session)
    require(session, course, due_days=due_days)
    sync(session, D(2025, 1, 5))
    complete_course(session, ada, course, D(2025, 4, 10))  # expires 10 Apr 2026
    with clock.frozen(D(2026, 2, 1)):
        version = publish_version(session, course.active_modules[0], change="major", change_note=NOTE)
        apply_published_content(session, Actor.cli(), D(2026, 2, 1), major_versions=[version])
    delta = current(session, ada, course)
    assert delta.reason == "major_change"
    # 31 days before the expiry nothing happens; 30 days before, the refresher takes over.
    assert sync(session, D(2026, 3, 10)).refreshers == 0
    assert sync(session, D(2026, 3, 11)).refreshers == 1
    refresher = current(session, ada, course)
    assert refresher.reason == "refresher" and refresher.due_on == refresher_due
    session.refresh(delta)
    assert (delta.current, delta.closed_on, delta.closed_reason) == (
        False, D(2026, 3, 11), "replaced by a refresher")
    # The changed module done before the refresher opened does not count: it needs fresh work.
    assert progress_of(session, refresher).done_count == 0


def test_the_employee_reads_when_the_update_is_due(session):
    course, people = _policy_course_with_ten_people(session)
    _publish_major_policy_change(session, course)
    delta = current(session, people[0], course)
    view = AssignmentView(delta, status(delta, PUBLISHED, T), (delta.due_on - PUBLISHED).days)
    assert status_text(view, PUBLISHED) == "Update due in 30 days"
    late = delta.due_on + dt.timedelta(days=1)
    assert status_text(AssignmentView(delta, status(delta, late, T), -1), late) == "Overdue by 1 day"
