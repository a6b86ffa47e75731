"""No N+1 queries (issue 10): each page runs a fixed number of SQL statements, however many
courses, modules, people, completions and regulation updates there are.

Each page is opened in a small organisation, the organisation grows (more courses, more
modules in the course being read, more people, more history), and the page is opened
again: the count must stay the same and within the page's bound. Pages are counted on
their second opening (the first may record a visit or start a quiz attempt).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest
from sqlalchemy import update

from tests.compliance.helpers import complete_course, complete_module, require, sync
from tests.factories import make_course, make_module, make_user
from trainer import clock
from trainer.audit import Actor
from trainer.compliance.regulation_updates import publish_update
from trainer.models import Course, Notification, QuizAttempt, RegulationUpdate, UpdateAcknowledgement, User

TODAY = dt.date(2026, 6, 15)
_keys = itertools.count(1)

# (who is signed in, the page, the most statements it may run). The bounds are what the
# pages run today: a new query on one of these pages must be a deliberate change here.
PAGES = {
    # the signed-in person; the course with its modules, the assignment, its regulation update,
    # the visits and the completions (the content comes from the process's cache)
    "module page": ("ada", lambda w: f"/courses/{w.course.slug}/{w.lesson.slug}", 2),
    # the person; assignments with courses, modules, regulation updates, completions and
    # whether any update is to be acknowledged; those updates, as Ada has some here (without
    # any: 2, test_the_dashboard_lists_updates_to_acknowledge_only_when_there_are_some)
    "employee dashboard": ("ada", lambda w: "/", 3),
    "course page": ("ada", lambda w: f"/courses/{w.course.slug}", 2),
    "quiz page": ("ada", lambda w: f"/courses/{w.course.slug}/{w.lesson.slug}/quiz", 4),
    # + 2 fixed: the person's regulation-update tasks and policy acknowledgements
    "transcript": ("ada", lambda w: "/me/transcript", 7),
    # the person; the filter options (managers, departments, courses), whose names label the
    # figures; the kept counts; the trend's snapshots, and history for months without one
    "HR dashboard": ("hr", lambda w: "/hr/", 7),
    # + the people's latest invitations and the count of those who never signed in
    "HR employee list": ("hr", lambda w: "/hr/employees", 11),
    "admin users list": ("admin", lambda w: "/admin/", 6),
}


# Pages held to their exact count (issue 20.3), not just a bound.
EXACT = {"module page", "employee dashboard", "course page", "HR dashboard"}


@dataclasses.dataclass
class World:
    """An organisation that can grow: the employee Ada reads `course`; HR and an admin look on."""

    ada: User
    course: Course
    courses: list[Course] = dataclasses.field(default_factory=list)

    @property
    def lesson(self):  # type: ignore[no-untyped-def]
        return self.course.active_modules[0]

    @classmethod
    def build(cls, session) -> World:  # type: ignore[no-untyped-def]
        ada = make_user(session, email="ada@example.com", department="Sales")
        make_user(session, email="hr@example.com", roles=("hr",), department="People")
        make_user(session, email="admin@example.com", roles=("admin",), department="People")
        world = cls(ada=ada, course=make_course(session, modules=2, kinds=("lesson", "policy")))
        world.courses.append(world.course)
        world.grow(session, courses=1, modules=0, people=2)
        return world

    def grow(self, session, *, courses: int, modules: int, people: int) -> None:  # type: ignore[no-untyped-def]
        """More of everything: courses (each with history for Ada), modules in Ada's course,
        people with history of their own, a regulation update and unread notices."""
        first = len(self.course.modules)
        for position in range(first, first + modules):
            make_module(session, self.course, position=position)
        session.refresh(self.course)
        new = [make_course(session, modules=3, kinds=("lesson", "lesson", "policy")) for _ in range(courses)]
        self.courses += new
        manager = make_user(session, department="Support")
        staff = [make_user(session, department="Support", manager=manager) for _ in range(people)]
        for course in new:
            require(session, course)
        require(session, self.course)
        sync(session, TODAY - dt.timedelta(days=200))
        for course in new:
            complete_course(session, self.ada, course, TODAY - dt.timedelta(days=150))
            complete_module(session, self.ada, course.active_modules[0], TODAY - dt.timedelta(days=5))
            for person in staff:
                complete_module(session, person, course.active_modules[0], TODAY - dt.timedelta(days=100))
            self._attempt(session, course)
        complete_module(session, self.ada, self.lesson, TODAY - dt.timedelta(days=20))
        self._regulation_update(session, new[0] if new else self.course)
        for _ in range(2):
            session.add(Notification(user_id=self.ada.id, kind="due_soon", dedupe_key=f"count-{next(_keys)}",
                                     channel="email", created_at=clock.now()))
        session.commit()

    def _attempt(self, session, course: Course) -> None:  # type: ignore[no-untyped-def]
        version = course.active_modules[0].current_version
        at = clock.now() - dt.timedelta(days=150)
        session.add(QuizAttempt(user_id=self.ada.id, module_version_id=version.id, token=f"t{next(_keys)}",
                                seed=1, question_ids=[q["id"] for q in version.quiz], answers={},
                                score=100, passed=True, started_at=at, submitted_at=at))

    def _regulation_update(self, session, course: Course) -> None:  # type: ignore[no-untyped-def]
        for action in ("retrain", "acknowledge"):
            update = RegulationUpdate(
                title=f"Update {next(_keys)}", regulation="GDPR Art. 33", summary="What changed.",
                summary_html="<p>What changed.</p>", effective_on=TODAY - dt.timedelta(days=10),
                action=action, due_days=30, modules=[course.active_modules[-1]])
            session.add(update)
            session.flush()
            publish_update(session, Actor.cli(), update, TODAY - dt.timedelta(days=10))


def statements_for(client, url: str, seen: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    first = client.get(url)
    assert first.status_code == 200, (url, first.location)
    seen.clear()
    assert client.get(url).status_code == 200, url
    return list(seen)


@pytest.mark.parametrize("page_name", PAGES)
def test_page_runs_a_fixed_number_of_statements_whatever_the_size(
    page_name, session, client, auth, statements
):
    who, url, bound = PAGES[page_name]
    with clock.frozen(dt.datetime.combine(TODAY, dt.time(9, 0), tzinfo=dt.UTC)):
        world = World.build(session)
        auth.login(f"{who}@example.com")
        small = statements_for(client, url(world), statements)
        world.grow(session, courses=3, modules=3, people=6)
        large = statements_for(client, url(world), statements)
    assert len(small) <= bound, "\n".join(small)
    assert len(large) == len(small), "\n".join(large)
    if page_name in EXACT:  # a page made lighter must not quietly grow back
        assert len(small) == bound, "\n".join(small)


def test_the_dashboard_lists_updates_to_acknowledge_only_when_there_are_some(
    session, client, auth, statements
):
    """Nearly always nothing is to be acknowledged: the dashboard's own statement says so, and
    the list is not asked for (one statement fewer); with one to acknowledge, it is."""
    with clock.frozen(dt.datetime.combine(TODAY, dt.time(9, 0), tzinfo=dt.UTC)):
        world = World.build(session)
        auth.login("ada@example.com")
        with_open = statements_for(client, "/", statements)
        assert "I have read this update" in client.get("/").get_data(as_text=True)
        session.execute(update(UpdateAcknowledgement).where(UpdateAcknowledgement.user_id == world.ada.id)
                        .values(acknowledged_at=clock.now()))
        session.commit()
        without = statements_for(client, "/", statements)
        assert "I have read this update" not in client.get("/").get_data(as_text=True)
    assert len(with_open) == 3, "\n".join(with_open)
    assert len(without) == 2, "\n".join(without)
