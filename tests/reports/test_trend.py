"""The 12-month trend: reconstructed from assignment history, then kept as snapshots."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select

from tests.factories import make_course, make_user
from tests.reports.dataset import TODAY, assign, build_org
from trainer.audit import Actor
from trainer.compliance.status import Thresholds
from trainer.models import Assignment, ComplianceSnapshot, User
from trainer.reports.dashboard import compliance_overview
from trainer.reports.filters import ReportFilter
from trainer.reports.trend import compliance_trend, month_ends, reconstruct, take_snapshots

D = dt.date
T = Thresholds()


def test_month_ends_are_the_eleven_before_this_month_then_today():
    days = month_ends(D(2026, 3, 15))
    assert days[0] == D(2025, 4, 30) and days[10] == D(2026, 2, 28) and days[11] == D(2026, 3, 15)
    assert len(days) == 12


def history(session):
    """Pat: a cycle done early, then a refresher done three weeks late. Quinn: a new hire
    who never started. Rex: trained, then left the audience in October."""
    course = make_course(session, modules=1)
    pat, quinn, rex = (make_user(session, name=n, department="Ops") for n in ("Pat", "Quinn", "Rex"))
    assign(session, pat, course, assigned=D(2025, 1, 5), due=D(2025, 2, 4), completed=D(2025, 1, 20),
           expires=D(2026, 1, 20), current=False)
    assign(session, pat, course, cycle=2, reason="refresher", assigned=D(2025, 12, 21), due=D(2026, 1, 20),
           completed=D(2026, 2, 10), expires=D(2027, 2, 10))
    assign(session, quinn, course, reason="new_hire", assigned=D(2026, 3, 10), due=D(2026, 4, 9))
    assign(session, rex, course, assigned=D(2025, 6, 1), due=D(2025, 7, 1), completed=D(2025, 6, 10),
           expires=D(2026, 6, 10), current=False, closed=D(2025, 10, 15))
    session.commit()
    return course


EXPECTED = {  # month end: (in force, compliant)
    D(2025, 7, 31): (2, 2), D(2025, 8, 31): (2, 2), D(2025, 9, 30): (2, 2),
    D(2025, 10, 31): (1, 1),  # Rex left on 15 October
    D(2025, 11, 30): (1, 1),
    D(2025, 12, 31): (1, 1),  # Pat's refresher is open but not yet due: still compliant
    D(2026, 1, 31): (1, 0),   # ... and overdue after 20 January
    D(2026, 2, 28): (1, 1),   # done on 10 February
    D(2026, 3, 31): (2, 1), D(2026, 4, 30): (2, 1), D(2026, 5, 31): (2, 1),  # Quinn never starts
}


def test_history_is_reconstructed_month_by_month(session):
    history(session)
    past = month_ends(TODAY)[:-1]
    assert reconstruct(session, past, T, ReportFilter()) == EXPECTED


def test_reconstructing_today_agrees_with_the_live_figures(session):
    build_org(session)
    (assigned, compliant), = reconstruct(session, [TODAY], T, ReportFilter(department_id=None)).values()
    live = compliance_overview(session, TODAY, T, ReportFilter()).total
    # Vic (deactivated) still holds a current row that sync would close; history counts it.
    assert (assigned - 1, compliant) == (live.assigned, live.compliant)


def test_trend_ends_with_todays_figures_and_reads_snapshots_once_taken(session):
    course = history(session)
    live = compliance_overview(session, TODAY, T, ReportFilter()).total
    trend = compliance_trend(session, TODAY, T, ReportFilter(), live)
    assert [(p.assigned, p.compliant) for p in trend[:-1]] == list(EXPECTED.values())
    assert (trend[-1].day, trend[-1].assigned, trend[-1].compliant) == (TODAY, 2, 1)
    assert trend[6].percent == 0 and trend[0].percent == 100

    assert take_snapshots(session, Actor.cli(), TODAY, T) == month_ends(TODAY)[:-1]
    assert take_snapshots(session, Actor.cli(), TODAY, T) == []  # idempotent
    session.execute(delete(Assignment).where(Assignment.course_id == course.id, Assignment.cycle == 2))
    again = compliance_trend(session, TODAY, T, ReportFilter(), live)
    # Past months come from the snapshots, as they stood; history edits do not rewrite them.
    assert [(p.assigned, p.compliant) for p in again[:-1]] == list(EXPECTED.values())


def test_snapshots_answer_department_and_scope_filters(session):
    org = build_org(session)
    take_snapshots(session, Actor.cli(), TODAY, T)
    assert session.scalar(select(func.count()).select_from(ComplianceSnapshot)) > 11
    live = compliance_overview(session, TODAY, T, ReportFilter()).total
    last_month = D(2026, 5, 31)
    scoped = ReportFilter(scope=frozenset({org.sales_id}))
    trend = compliance_trend(session, TODAY, T, scoped, live)
    from_snapshots = {p.day: (p.assigned, p.compliant) for p in trend}
    expected = reconstruct(session, [last_month], T, scoped)[last_month]
    assert from_snapshots[last_month] == expected
    # A manager's team is not in the snapshots: it is reconstructed, with the same answer.
    team = ReportFilter(manager_id=org.sam.id)
    trend = {p.day: (p.assigned, p.compliant) for p in compliance_trend(session, TODAY, T, team, live)}
    assert trend[last_month] == reconstruct(session, [last_month], T, team)[last_month] == (3, 0)


def test_a_month_with_a_snapshot_but_nobody_in_the_filter_reads_zero_not_history(session):
    """Snapshots are history as it stood: a department nobody was in when they were taken
    shows nobody, even after someone with years of history moves into it."""
    history(session)
    take_snapshots(session, Actor.cli(), TODAY, T)
    pat = session.scalars(select(User).where(User.name == "Pat")).one()
    newcomer = make_user(session, name="Una", department="Legal")  # creates Legal
    pat.department_id = newcomer.department_id
    session.commit()
    legal = ReportFilter(department_id=newcomer.department_id)
    live = compliance_overview(session, TODAY, T, legal).total
    trend = compliance_trend(session, TODAY, T, legal, live)
    assert [(p.assigned, p.compliant) for p in trend[:-1]] == [(0, 0)] * 11
    # Live history would have counted Pat in Legal in every one of those months:
    assert reconstruct(session, [D(2025, 7, 31)], T, legal)[D(2025, 7, 31)] == (1, 1)
