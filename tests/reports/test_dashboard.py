"""Dashboard figures on a known dataset, checked against hand-computed numbers."""

from __future__ import annotations

from tests.reports.dataset import TODAY, build_org
from trainer.compliance.status import Thresholds
from trainer.reports.dashboard import compliance_overview
from trainer.reports.filters import ReportFilter

T = Thresholds(due_soon_days=14, expiring_days=30)


def figures_by_label(rows):
    return {row.label: row.figures for row in rows}


def test_overall_department_and_course_figures(session):
    build_org(session)
    overview = compliance_overview(session, TODAY, T, ReportFilter())
    total = overview.total
    assert total.assigned == 10  # Vic is deactivated; Sam's first cycle is history
    assert total.compliant == 4
    assert total.percent == 40
    assert total.by_status == {"completed": 2, "expiring": 2, "overdue": 2, "due_soon": 1,
                               "in_progress": 1, "expired": 1, "not_started": 1}
    departments = figures_by_label(overview.by_department)
    assert (departments["Sales"].assigned, departments["Sales"].compliant) == (6, 2)
    assert departments["Sales"].percent == 33  # rounded down: 33.3%
    assert departments["Sales"]["overdue"] == 1 and departments["Sales"]["due_soon"] == 1
    assert (departments["Support"].assigned, departments["Support"].compliant) == (4, 2)
    assert departments["Support"].percent == 50
    courses = figures_by_label(overview.by_course)
    a, b = courses["Course A"], courses["Course B"]
    assert (a.assigned, a.compliant, a["overdue"]) == (5, 2, 2)
    assert (b.assigned, b.compliant, b["expired"]) == (5, 2, 1)


def test_filters_narrow_every_figure(session):
    org = build_org(session)
    by_department = compliance_overview(session, TODAY, T, ReportFilter(department_id=org.support_id)).total
    assert (by_department.assigned, by_department.compliant) == (4, 2)
    by_course = compliance_overview(session, TODAY, T, ReportFilter(course_id=org.course_a.id)).total
    assert (by_course.assigned, by_course.compliant) == (5, 2)
    team = compliance_overview(session, TODAY, T, ReportFilter(manager_id=org.sam.id)).total
    assert (team.assigned, team.compliant, team["overdue"]) == (4, 0, 1)  # Sara and Sid
    overdue = compliance_overview(session, TODAY, T, ReportFilter(status="overdue")).total
    assert overdue.by_status == {"overdue": 2}
    not_compliant = compliance_overview(session, TODAY, T, ReportFilter(status="not_compliant")).total
    assert not_compliant.assigned == 6


def test_hr_scope_limits_the_figures_to_their_departments(session):
    org = build_org(session)
    sales_only = ReportFilter(scope=frozenset({org.sales_id}))
    overview = compliance_overview(session, TODAY, T, sales_only)
    assert (overview.total.assigned, overview.total.compliant) == (6, 2)
    assert [row.label for row in overview.by_department] == ["Sales"]
    # Asking for Support by URL inside a Sales scope finds nothing.
    asked = ReportFilter(scope=frozenset({org.sales_id}), department_id=org.support_id)
    assert compliance_overview(session, TODAY, T, asked).total.assigned == 0


def test_thresholds_decide_due_soon_and_expiring(session):
    build_org(session)
    wide = Thresholds(due_soon_days=90, expiring_days=10)
    total = compliance_overview(session, TODAY, wide, ReportFilter()).total
    # Sid's A (due 1 Aug) and Ugo's B (due 1 Sep) join Sara's B as due soon; Sam's B
    # (expires 1 Jul) is no longer expiring.
    assert total["due_soon"] == 3 and total["in_progress"] == 0 and total["not_started"] == 0
    assert total["expiring"] == 1 and total["completed"] == 3
    assert total.compliant == 4  # thresholds never change who is compliant


def test_figures_are_labelled_from_the_filter_options_and_a_retired_course_still_by_title(
    session, statements
):
    """The page passes its filter options; names they lack (a course retired since the
    last sync still has current assignments) are read, in one statement."""
    from trainer.audit import Actor
    from trainer.content.course_settings import retire_course
    from trainer.reports.choices import filter_choices

    org = build_org(session)
    choices = filter_choices(session, ReportFilter())
    statements.clear()
    labelled = compliance_overview(session, TODAY, T, ReportFilter(), choices)
    assert len(statements) == 1  # the counts; every name came with the options
    assert [row.label for row in labelled.by_course] == ["Course A", "Course B"]
    assert [row.label for row in labelled.by_department] == ["Sales", "Support"]

    retire_course(session, Actor.cli(), org.course_a)
    choices = filter_choices(session, ReportFilter())
    assert [title for _, title in choices.courses] == ["Course B"]
    statements.clear()
    overview = compliance_overview(session, TODAY, T, ReportFilter(), choices)
    assert len(statements) == 2  # the counts, then Course A's title
    assert figures_by_label(overview.by_course)["Course A"].assigned == 5
