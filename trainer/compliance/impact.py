"""What an action that assigns or reopens training will do, before it is done.

The action runs for real inside a SAVEPOINT that is then rolled back: the preview is what
the action does, not a second model of it that could drift. The new assignment rows it
made are read before the rollback and summarised: who is assigned, whose training is
reopened, due when, and the day their e-mail goes out (the assignment notice is planned
for the day the assignment is made; `trainer reminders run` sends it).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trainer.compliance.status import DELTA_REASONS
from trainer.models import Assignment, Course, User

T = TypeVar("T")
NAMES_SHOWN = 50  # people listed by name; the rest are counted


@dataclasses.dataclass(frozen=True)
class Person:
    name: str
    email: str
    course: str
    due_on: dt.date


@dataclasses.dataclass(frozen=True)
class Impact:
    """Who an action assigns (new or refresher cycles) and whose completed training it reopens."""

    assigned: tuple[Person, ...] = ()
    reopened: tuple[Person, ...] = ()
    emailed_on: dt.date | None = None

    @property
    def people(self) -> int:
        return len(self.assigned) + len(self.reopened)

    @property
    def due_dates(self) -> tuple[dt.date, ...]:
        return tuple(sorted({p.due_on for p in self.assigned + self.reopened}))

    def summary(self) -> str:
        """One sentence, the same in the web and the CLI."""
        if not self.people:
            return "Assigns nobody and reopens nobody's training."
        dates = self.due_dates
        due = f"due on {dates[0]:%d %b %Y}" if len(dates) == 1 else \
            f"due between {dates[0]:%d %b %Y} and {dates[-1]:%d %b %Y}"
        emailed = f"; e-mails them on {self.emailed_on:%d %b %Y}" if self.emailed_on else ""
        return (f"Assigns {len(self.assigned)} people, reopens {len(self.reopened)} people's training, "
                f"{due}{emailed}.")

    def lines(self) -> list[str]:
        """The summary, then the people by name (at most NAMES_SHOWN of each)."""
        lines = [self.summary()]
        for label, people in (("assigned", self.assigned), ("reopened", self.reopened)):
            for person in people[:NAMES_SHOWN]:
                lines.append(f"  {label}: {person.name} <{person.email}>, {person.course}, "
                             f"due {person.due_on:%d %b %Y}")
            if len(people) > NAMES_SHOWN:
                lines.append(f"  … and {len(people) - NAMES_SHOWN} more {label}")
        return lines


def preview(session: Session, action: Callable[[], T], today: dt.date) -> tuple[T, Impact]:
    """Run `action` in a savepoint, measure what it assigned, then undo everything it wrote.

    Exceptions from `action` propagate after the rollback. The result of `action` refers to
    rolled-back rows: read plain values from it only.
    """
    savepoint = session.begin_nested()
    try:
        return measure(session, action, today)
    finally:
        savepoint.rollback()


def measure(session: Session, action: Callable[[], T], today: dt.date) -> tuple[T, Impact]:
    """Run `action` and say whom it assigned and whose training it reopened (nothing undone)."""
    before = session.scalar(select(func.coalesce(func.max(Assignment.id), 0))) or 0
    result = action()
    session.flush()
    return result, _impact(session, before, today)


def _impact(session: Session, before: int, today: dt.date) -> Impact:
    rows = session.execute(
        select(Assignment.reason, Assignment.due_on, User.name, User.email, Course.title)
        .join(User, User.id == Assignment.user_id).join(Course, Course.id == Assignment.course_id)
        .where(Assignment.id > before, Assignment.current.is_(True), Assignment.completed_on.is_(None))
        .order_by(User.name, Course.title)
    ).all()
    people = [(r.reason in DELTA_REASONS, Person(r.name, r.email, r.title, r.due_on)) for r in rows]
    assigned = tuple(person for delta, person in people if not delta)
    reopened = tuple(person for delta, person in people if delta)
    return Impact(assigned, reopened, today if rows else None)

