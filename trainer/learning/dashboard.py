"""The employee dashboard: current assignments by urgency, with progress and what to do next."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, bindparam, select, true
from sqlalchemy.orm import Session

from trainer.compliance.overview import AssignmentView, urgency, view_of
from trainer.compliance.progress import Progress, counting_completions, cutoff_of
from trainer.compliance.regulation_updates import OpenAcknowledgement, open_acknowledgements
from trainer.compliance.rows import CourseCard, Cycle
from trainer.compliance.status import DELTA_REASONS, Thresholds
from trainer.learning.outline import (
    COURSE_COLUMNS,
    CYCLE_COLUMNS,
    DONE_COLUMNS,
    Done,
    completions_in,
    with_completions,
)
from trainer.models import (
    Assignment,
    Course,
    Module,
    RegulationUpdate,
    regulation_update_modules,
)
from trainer.reads import outside_transaction


@dataclasses.dataclass(frozen=True, slots=True)
class Step:
    """A live module with published content, as the dashboard needs it (to count it, and to
    link the next one)."""

    id: int
    slug: str
    major_floor: int


@dataclasses.dataclass(frozen=True)
class DashboardItem:
    view: AssignmentView
    progress: Progress[Step, Done]
    today: dt.date

    @property
    def assignment(self):
        return self.view.assignment

    @property
    def course(self):
        return self.view.course

    @property
    def next_module(self) -> Step | None:
        if self.assignment.completed_on is not None:
            return None
        return self.progress.next_module

    @property
    def action(self) -> str:
        """The link text: Start, Continue, or (when done) Review."""
        if self.next_module is None:
            return "Review"
        started = self.assignment.started_on is not None or self.progress.done_count
        return "Continue" if started else "Start"

    @property
    def change_note(self) -> str:
        if self.assignment.reason in DELTA_REASONS and self.assignment.completed_on is None:
            return self.assignment.change_note
        return ""

    @property
    def status_text(self) -> str:
        return status_text(self.view, self.today)


@dataclasses.dataclass(frozen=True)
class Dashboard:
    items: list[DashboardItem]
    acknowledgements: list[OpenAcknowledgement]

    @property
    def open_count(self) -> int:
        return sum(1 for i in self.items if i.assignment.completed_on is None)


_a, _m, _rum = Assignment.__table__, Module.__table__, regulation_update_modules
_u, _c = RegulationUpdate.__table__, Course.__table__
# Built once (every dashboard): one row per current assignment and live module of its
# course, with the assignment's regulation update (its dates, and whether it names the
# module). Plain rows: loading them as ORM objects was most of the page.
_BOARD = with_completions(
    select(_a.c.id, *COURSE_COLUMNS, *CYCLE_COLUMNS, _u.c.effective_on, _u.c.published_at,
           _m.c.id, _m.c.slug, _m.c.major_floor, _rum.c.module_id, *DONE_COLUMNS)
    .select_from(_a)
    .join(_c, _c.c.id == _a.c.course_id)
    .outerjoin(_u, _u.c.id == _a.c.regulation_update_id)
    .outerjoin(_m, and_(_m.c.course_id == _a.c.course_id, _m.c.retired_at.is_(None),
                        _m.c.current_version_id.is_not(None)))
    .outerjoin(_rum, and_(_rum.c.regulation_update_id == _a.c.regulation_update_id,
                          _rum.c.module_id == _m.c.id))
    .where(_a.c.user_id == bindparam("user_id"), _a.c.current == true())
    .order_by(_a.c.id, _m.c.position, _m.c.id), _m)
_BOARD = outside_transaction(_BOARD)  # read-only: PostgreSQL may run it before any BEGIN


def dashboard(session: Session, user_id: int, today: dt.date, thresholds: Thresholds) -> Dashboard:
    """Everything the dashboard shows, most urgent first."""
    rows: Sequence[Any] = session.connection().execute(_BOARD, {"user_id": user_id}).all()
    by_assignment: dict[int, list[Any]] = {}
    for row in rows:
        by_assignment.setdefault(row[0], []).append(row)
    items = []
    for group in by_assignment.values():
        cycle = Cycle(group[0][0], CourseCard(*group[0][1:6]), *group[0][6:16])
        items.append(DashboardItem(view_of(cycle, today, thresholds), _progress(cycle, group), today))
    items.sort(key=lambda item: urgency(item.view))
    return Dashboard(items, open_acknowledgements(session, user_id))


def _progress(cycle: Cycle, rows: Sequence[Any]) -> Progress[Step, Done]:
    steps = list({row[18]: Step(row[18], row[19], row[20]) for row in rows if row[18] is not None}.values())
    first = rows[0]
    cutoff = cutoff_of(first[16], first[17]) if first[16] is not None else None
    affected = {row[21] for row in rows if row[21] is not None}
    completions = completions_in(rows, module_at=18, done_at=22)
    return Progress(steps, counting_completions(steps, completions, cycle.counts_from, affected, cutoff))


def status_text(view: AssignmentView, today: dt.date) -> str:
    """The status in words: "Due in 3 days", "Overdue by 1 day", "Update due today",
    "Completed until 4 Mar 2027"."""
    a = view.assignment
    if view.status in ("completed", "expiring", "expired") and a.completed_on is not None:
        if a.expires_on is None:
            return "Completed"
        verb = "Expired on" if view.status == "expired" else "Completed until"
        return f"{verb} {_date(a.expires_on)}"
    if view.status == "closed":
        return "No longer required"
    if view.status == "expired" and a.expires_on is not None:  # a delta cycle left too long
        return f"Expired on {_date(a.expires_on)}"
    if view.status == "overdue":
        return f"Overdue by {_days(-view.days_left)}"
    if view.status == "expiring":
        return f"Refresher due {_in_days(view.days_left)}"
    if view.status == "update_pending":
        return f"Update due {_in_days(view.days_left)}"
    if view.status == "due_soon":
        return f"Due {_in_days(view.days_left)}"
    return "In progress" if view.status == "in_progress" else "Not started"


def _in_days(days: int) -> str:
    if days == 0:
        return "today"
    return "tomorrow" if days == 1 else f"in {days} days"


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _date(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%b %Y')}"
