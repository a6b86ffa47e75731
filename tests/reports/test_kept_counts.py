"""The counts the database keeps for the HR dashboard always equal a recount of the
assignments, after any sequence of the operations that move them, on both databases; and
the dashboard's figures from them equal the figures counted from the assignments, on any
day and with any filter (trainer/compliance/counts.py, migration 0017)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text, update

from tests.compliance.helpers import complete_module, require, sync
from tests.factories import get_or_create_department, make_course, make_user, publish_version
from trainer import clock
from trainer.audit import Actor
from trainer.compliance.counts import (
    count_mismatches,
    live_counts,
    merge_counts,
    rebuild_counts,
    stored_counts,
)
from trainer.compliance.publishing import apply_published_content
from trainer.compliance.reopening import Reopening, reopen
from trainer.compliance.status import Thresholds
from trainer.models import NO_DATE, Assignment, ComplianceCount, Department, User
from trainer.people.accounts import deactivate_user, reactivate_user
from trainer.people.privileged import Authority
from trainer.people.staff_apply import apply_import
from trainer.people.staff_file import read_staff_bytes
from trainer.people.staff_import import ImportOptions, plan_import
from trainer.reports.dashboard import compliance_overview, kept_counts_by_status, live_counts_by_status
from trainer.reports.filters import STATUS_GROUPS, ReportFilter

D = dt.date
START = D(2026, 1, 5)
DEPARTMENTS = ("Sales", "Support", "Legal")
PEOPLE = 5

person = st.integers(0, PEOPLE - 1)
operations = st.one_of(
    st.tuples(st.just("advance"), st.integers(1, 400)),
    st.tuples(st.just("sync")),
    st.tuples(st.just("complete"), person, st.integers(0, 1), st.integers(0, 1)),
    st.tuples(st.just("major_version"), st.integers(0, 1)),
    st.tuples(st.just("reopen_refresher"), person, st.integers(0, 1)),
    st.tuples(st.just("leaver"), person),
    st.tuples(st.just("rejoin"), person),
    st.tuples(st.just("department"), person, st.sampled_from((*DEPARTMENTS, None))),
    st.tuples(st.just("import_"), person, st.sampled_from(DEPARTMENTS)),
    st.tuples(st.just("close_by_hand"), person, st.integers(0, 1)),
)


class World:
    """Two courses of two modules required of everyone; five people in three departments."""

    def __init__(self, session):
        self.session = session
        self.day = START
        self.courses = [make_course(session, modules=2, due_days=30) for _ in range(2)]
        self.people = [make_user(session, department=DEPARTMENTS[i % 3], password=None)
                       for i in range(PEOPLE)]
        self.people[4].department = None
        for course in self.courses:
            require(session, course)
        sync(session, self.day)
        # Some history to start from, so that every stage is a few steps away.
        for module in self.courses[0].active_modules:
            complete_module(session, self.people[0], module, self.day)
        complete_module(session, self.people[1], self.courses[1].active_modules[0], self.day)

    def run(self, operation):
        kind, *args = operation
        getattr(self, kind)(*args)
        self.session.flush()

    def advance(self, days):
        self.day += dt.timedelta(days=days)

    def sync(self):
        sync(self.session, self.day)

    def complete(self, who, course, module):
        person = self.people[who]
        if person.active:
            complete_module(self.session, person, self.courses[course].active_modules[module], self.day)

    def major_version(self, course):
        module = self.courses[course].active_modules[0]
        with clock.frozen(self.day):
            version = publish_version(self.session, module, change="major", change_note="Changed.")
            apply_published_content(self.session, Actor.cli(), self.day, major_versions=[version])

    def reopen_refresher(self, who, course):
        """A refresher opened by hand (not through a sync): no merge follows it."""
        assignment = self._current(who, course)
        if assignment is not None and assignment.completed_on is not None:
            reopen(self.session, [assignment], Reopening("refresher", ""), self.day)

    def leaver(self, who):
        with clock.frozen(self.day):
            deactivate_user(self.session, Actor.cli(), self.people[who])

    def rejoin(self, who):
        with clock.frozen(self.day):
            reactivate_user(self.session, Actor.cli(), self.people[who])

    def department(self, who, name):
        self.people[who].department = get_or_create_department(self.session, name) if name else None

    def import_(self, who, name):
        person = self.people[who]
        raw = f"email,name,department\n{person.email},{person.name},{name}\n".encode()
        plan = plan_import(self.session, read_staff_bytes(raw), ImportOptions(),
                           authority=Authority.operator())
        with clock.frozen(self.day):
            apply_import(self.session, Actor.cli(), plan, self.day)

    def close_by_hand(self, who, course):
        """A bulk UPDATE outside the ORM, as the sync's own statements are."""
        self.session.execute(update(Assignment).where(
            Assignment.user_id == self.people[who].id, Assignment.course_id == self.courses[course].id,
            Assignment.current.is_(True)).values(closed_on=self.day, current=False))

    def _current(self, who, course):
        return self.session.scalar(select(Assignment).where(
            Assignment.user_id == self.people[who].id, Assignment.course_id == self.courses[course].id,
            Assignment.current.is_(True)))



def figures(rows):
    return sorted((d, c, s, int(n)) for d, c, s, n in rows if n)


def boundary_days(session):
    dates = {date for key in stored_counts(session) for date in key[3:] if date != NO_DATE}
    shifts = (0, 1, -14, -15, -30, -31)
    return sorted({date + dt.timedelta(days=shift) for date in dates for shift in shifts})


def assert_kept_equals_live(session, today, filters):
    thresholds = Thresholds(due_soon_days=14, expiring_days=30)
    assert figures(kept_counts_by_status(session, today, thresholds, filters)) == \
        figures(live_counts_by_status(session, today, thresholds, filters))


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(operations, min_size=1, max_size=12),
       offsets=st.lists(st.integers(-60, 400), max_size=3), status=st.sampled_from((None, *STATUS_GROUPS)))
def test_kept_counts_equal_a_recount_after_any_operations(session, steps, offsets, status):
    world = World(session)
    for step in steps:
        world.run(step)
        assert count_mismatches(session) == [], step
    departments = [None, 0, *session.scalars(select(Department.id).where(Department.name.in_(DEPARTMENTS)))]
    for offset in [0, *offsets]:
        today = world.day + dt.timedelta(days=offset)
        for department in departments:
            assert_kept_equals_live(session, today, ReportFilter(department_id=department, status=status))
        scope = frozenset(departments[2:4])
        assert_kept_equals_live(session, today, ReportFilter(scope=scope, course_id=world.courses[1].id))
        assert_kept_equals_live(session, today, ReportFilter(scope=frozenset()))
    # Every day on which some status changes, and the day before: where a flipped
    # comparison (< for <=) would show.
    for day in boundary_days(session):
        assert_kept_equals_live(session, day, ReportFilter(status=status))
    merge_counts(session)
    assert count_mismatches(session) == []
    zero = select(func.count()).select_from(ComplianceCount).where(ComplianceCount.n == 0)
    assert session.scalar(zero) == 0


def test_the_dashboard_reads_the_kept_counts_and_a_manager_filter_the_assignments(session):
    boss = make_user(session, department="Sales")
    team = [make_user(session, department="Sales", manager=boss) for _ in range(2)]
    course = make_course(session, modules=1)
    require(session, course)
    sync(session, START)
    thresholds = Thresholds()
    # Tamper with the kept counts: the dashboard follows them, except for a manager's team.
    session.execute(update(ComplianceCount).values(n=ComplianceCount.n * 10))
    assert compliance_overview(session, START, thresholds, ReportFilter()).total.assigned == 30
    team_only = ReportFilter(manager_id=boss.id)
    assert compliance_overview(session, START, thresholds, team_only).total.assigned == 2
    assert [m.live for m in count_mismatches(session)] == [3]
    rebuild_counts(session)
    assert count_mismatches(session) == []
    assert compliance_overview(session, START, thresholds, ReportFilter()).total.assigned == 3
    assert len(team) == 2


def test_kept_counts_follow_a_department_and_a_leaver(session):
    course = make_course(session, modules=1)
    ann = make_user(session, department="Sales")
    require(session, course)
    sync(session, START)
    sales = ann.department_id
    assert {k[0]: n for k, n in stored_counts(session).items()} == {sales: 1}
    ann.department = get_or_create_department(session, "Legal")
    session.flush()
    assert {k[0]: n for k, n in stored_counts(session).items()} == {ann.department_id: 1}
    session.execute(update(User).where(User.id == ann.id).values(active=False))
    assert stored_counts(session) == {}
    assert live_counts(session) == {}


def test_report_counts_checks_and_repairs(session, runner):
    course = make_course(session, modules=1)
    make_user(session, department="Sales")
    require(session, course)
    sync(session, START)
    session.commit()
    checked = runner.invoke(args=["report", "counts"])
    assert checked.exit_code == 0 and "equal a recount" in checked.output
    session.execute(update(ComplianceCount).values(n=ComplianceCount.n + 1))
    session.commit()
    checked = runner.invoke(args=["report", "counts"])
    assert checked.exit_code == 1 and "kept 2, recounted 1" in checked.output
    repaired = runner.invoke(args=["report", "counts", "--repair"])
    assert repaired.exit_code == 0 and "now equal" in repaired.output
    session.expire_all()
    assert count_mismatches(session) == []


TRIGGERS = {
    "sqlite": {"compliance_counts_assignment_inserted", "compliance_counts_assignment_deleted",
               "compliance_counts_assignment_updated", "compliance_counts_person_updated"},
    "postgresql": {"compliance_counts_assignments_inserted", "compliance_counts_assignments_deleted",
                   "compliance_counts_assignments_updated", "compliance_counts_people_updated"},
}


def test_the_schema_at_head_has_every_trigger(session):
    """A later migration that rebuilds assignments or users on SQLite (batch mode copies the
    table and drops the old one, triggers and all) must create the triggers again."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        found = set(session.scalars(select(func.distinct(text("tgname"))).select_from(text("pg_trigger"))
                                    .where(text("NOT tgisinternal"))))
    else:
        found = set(session.scalars(select(text("name")).select_from(text("sqlite_master"))
                                    .where(text("type = 'trigger'"))))
    assert TRIGGERS[dialect] <= found
