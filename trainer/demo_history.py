"""Two years of training history for the demo organisation, made by the real engine.

The clock is frozen at each simulated day and the compliance functions do the work, so
every date is one the product itself would have written: weekly `sync_assignments` (new
hires, refreshers), `record_module_completion` (with failed quiz attempts before some passes),
and a regulation update published six weeks ago. People follow a habit drawn from their
e-mail address, so the demo is the same every time: most finish early, some late, a few not
at all (overdue); recent hires have not started; completions from a year ago are expiring.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import secrets
from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer import clock
from trainer.audit import Actor
from trainer.compliance.completion import record_module_completion
from trainer.compliance.progress import progress_of
from trainer.compliance.regulation_updates import publish_update
from trainer.compliance.requirements import ensure_course_default
from trainer.compliance.status import Thresholds
from trainer.compliance.sync import sync_assignments
from trainer.models import Assignment, Course, Module, ModuleVersion, QuizAttempt, RegulationUpdate, User
from trainer.percent import percent
from trainer.reports.trend import take_snapshots

HISTORY_DAYS = 730
STEP = dt.timedelta(days=7)
UPDATE_DAYS_AGO = 40
# (habit, share of people): days after assignment, or after the due date for "late".
HABITS = (("prompt", 0.6), ("late", 0.25), ("never", 0.15))
# The demo employee login finishes late, so their own dashboard has something to do.
HABIT_OF = {"sofia.marques@example.com": "late"}


@dataclasses.dataclass
class HistorySummary:
    completions: int = 0
    failed_attempts: int = 0
    regulation_update: str | None = None


def create_history(
    session: Session, people: list[User], today: dt.date, thresholds: Thresholds, refresher_window_days: int
) -> HistorySummary:
    """Replay two years up to `today` (nothing happens when there are no courses)."""
    courses = _courses_with_content(session)
    summary = HistorySummary()
    if not courses:
        return summary
    start = today - dt.timedelta(days=HISTORY_DAYS)
    actor = Actor.system()
    with clock.frozen(start):
        for course in courses:
            ensure_course_default(session, actor, course)
    # People hired later join (become active) on their first day, as new hires do.
    not_yet_hired = [p for p in people if p.hired_on and p.hired_on > start]
    planned: dict[int, dt.date | None] = {}
    update_day = today - dt.timedelta(days=UPDATE_DAYS_AGO)
    for day in [*_weeks(start, today), today]:
        for person in not_yet_hired:
            person.active = person.hired_on is not None and person.hired_on <= day
        if summary.regulation_update is None and day >= update_day:
            summary.regulation_update = _publish_update(session, actor, courses, update_day)
        _complete_due(session, actor, planned, day, summary)
        with clock.frozen(day):
            sync_assignments(session, day, actor=actor, refresher_window_days=refresher_window_days)
        _plan_open(session, planned, day)
    with clock.frozen(today):
        take_snapshots(session, actor, today, thresholds)
    return summary


def _courses_with_content(session: Session) -> list[Course]:
    courses = session.scalars(select(Course).where(Course.retired_at.is_(None)).order_by(Course.slug)).all()
    return [c for c in courses if any(m.current_version_id for m in c.active_modules)]


def _weeks(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day < end:
        yield day
        day += STEP


def habit(email: str) -> str:
    """Each person's steady habit, the same on every run."""
    if email in HABIT_OF:
        return HABIT_OF[email]
    roll = random.Random(email).random()
    for name, share in HABITS:
        if roll < share:
            return name
        roll -= share
    return HABITS[-1][0]


def _plan_open(session: Session, planned: dict[int, dt.date | None], day: dt.date) -> None:
    """Decide once, for each newly seen open assignment, when (if ever) it gets done."""
    rows = session.execute(
        select(Assignment.id, Assignment.assigned_on, Assignment.due_on, Assignment.cycle, User.email)
        .join(User, User.id == Assignment.user_id)
        .where(Assignment.current.is_(True), Assignment.completed_on.is_(None))
    ).all()
    for assignment_id, assigned_on, due_on, cycle, email in rows:
        if assignment_id in planned:
            continue
        rng = random.Random(f"{email}:{assignment_id}")
        kind = habit(email)
        if kind == "never" and (cycle > 1 or rng.random() < 0.5):
            planned[assignment_id] = None
        elif kind == "late":
            planned[assignment_id] = max(day, due_on + dt.timedelta(days=rng.randint(3, 40)))
        else:
            planned[assignment_id] = max(day, assigned_on + dt.timedelta(days=rng.randint(2, 20)))


def _complete_due(
    session: Session, actor: Actor, planned: dict[int, dt.date | None], until: dt.date,
    summary: HistorySummary,
) -> None:
    due = sorted((when, a_id) for a_id, when in planned.items() if when is not None and when <= until)
    for when, assignment_id in due:
        planned[assignment_id] = None
        assignment = session.get(Assignment, assignment_id)
        if assignment is None or not assignment.current or assignment.completed_on or assignment.closed_on:
            continue
        with clock.frozen(dt.datetime.combine(when, dt.time(10, 0), tzinfo=dt.UTC)):
            progress = progress_of(session, assignment)
            for module in progress.modules:
                if module.id not in progress.done:
                    _complete_module(session, actor, assignment, module, summary)


def _complete_module(
    session: Session, actor: Actor, assignment: Assignment, module: Module, summary: HistorySummary
) -> None:
    version = module.current_version
    assert version is not None
    rng = random.Random(f"{assignment.id}:{module.id}")
    attempt = None
    if version.kind == "lesson" and version.quiz:
        if rng.random() < 0.25:
            _attempt(session, assignment.user_id, version, rng, passed=False)
            summary.failed_attempts += 1
        attempt = _attempt(session, assignment.user_id, version, rng, passed=True)
    record_module_completion(
        session, actor, assignment.user_id, version,
        method="quiz" if attempt else "acknowledgement",
        score=attempt.score if attempt else None, attempt=attempt,
    )
    summary.completions += 1


def _attempt(session: Session, user_id: int, version: ModuleVersion, rng: random.Random,
             *, passed: bool) -> QuizAttempt:
    """A submitted quiz attempt: a pass at 80-100%, or a fail below the pass mark."""
    questions = [q["id"] for q in version.quiz]
    right = len(questions) if passed else max(0, len(questions) // 2 - rng.randint(0, 1))
    if passed and len(questions) >= 5:
        right -= rng.randint(0, 1)
    score = percent(right, len(questions))
    now = clock.now()
    attempt = QuizAttempt(
        user_id=user_id, module_version_id=version.id, token=secrets.token_hex(16),
        seed=rng.randint(1, 2**31), question_ids=questions, answers={}, score=score, passed=passed,
        started_at=now - dt.timedelta(minutes=rng.randint(4, 15)), submitted_at=now,
    )
    session.add(attempt)
    session.flush()
    return attempt


def _publish_update(session: Session, actor: Actor, courses: list[Course], day: dt.date) -> str | None:
    """A regulation update that sends people back to one module of the first course."""
    module = next((m for c in courses for m in c.active_modules
                   if m.current_version and m.current_version.kind == "lesson"), None)
    if module is None:
        return None
    update = RegulationUpdate(
        title="New guidance on notifying personal data breaches",
        regulation="GDPR Art. 33",
        summary="The supervisory authority published new guidance on when the 72-hour clock starts.",
        summary_html="<p>The supervisory authority published new guidance on when the 72-hour "
                     "clock starts.</p>",
        effective_on=day - dt.timedelta(days=5), action="retrain", due_days=30, modules=[module],
    )
    session.add(update)
    session.flush()
    with clock.frozen(day):
        publish_update(session, actor, update, day)
    return update.title
