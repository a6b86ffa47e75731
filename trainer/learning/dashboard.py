"""The employee dashboard: current assignments by urgency, with progress and what to do next."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Dialect, and_, bindparam, select, true, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from trainer.compliance.overview import AssignmentView, urgency, view_of
from trainer.compliance.progress import Progress, counting_completions, cutoff_of
from trainer.compliance.regulation_updates import (
    OpenAcknowledgement,
    any_open_acknowledgement,
    open_acknowledgements,
)
from trainer.compliance.rows import CourseCard, Cycle
from trainer.compliance.status import DELTA_REASONS, Thresholds
from trainer.dates import short_date
from trainer.learning.outline import (
    COURSE_COLUMNS,
    CYCLE_COLUMNS,
    DONE_AT_COLUMNS,
    with_completions,
)
from trainer.models import (
    Assignment,
    Course,
    Module,
    RegulationUpdate,
    User,
    regulation_update_modules,
)
from trainer.reads import outside_transaction


class Step(NamedTuple):
    """A live module with published content, as the dashboard needs it (to count it, and to
    link the next one). Named tuples, as DoneAt: a page makes dozens, and a frozen
    dataclass took twice as long to make."""

    id: int
    slug: str
    major_floor: int


class DoneAt(NamedTuple):
    """A completion, as much of it as the counting rule reads (the dashboard shows none)."""

    id: int
    completed_at: dt.datetime


class DashboardItem(NamedTuple):
    """One course on the dashboard, with what its card shows worked out once (the template
    reads fields, not properties that would work them out on every use)."""

    view: AssignmentView
    progress: Progress[Step, DoneAt]
    next_module: Step | None  # None when done: the card links the course to review it
    action: str  # the link text: Start, Continue, or (when done) Review
    change_note: str  # what changed, while a delta cycle is open
    status_text: str

    @property
    def assignment(self) -> Cycle:
        return self.view.assignment  # type: ignore[return-value]  # always a Cycle here

    @property
    def course(self) -> CourseCard:
        return self.assignment.course


def _item(view: AssignmentView, progress: Progress[Step, DoneAt], today: dt.date) -> DashboardItem:
    cycle = view.assignment
    done = cycle.completed_on is not None
    next_module = None if done else progress.next_module
    if next_module is None:
        action = "Review"
    else:
        action = "Continue" if cycle.started_on is not None or progress.done_count else "Start"
    change_note = cycle.change_note if cycle.reason in DELTA_REASONS and not done else ""
    return DashboardItem(view, progress, next_module, action, change_note, status_text(view, today))


@dataclasses.dataclass(frozen=True)
class Dashboard:
    items: list[DashboardItem]
    acknowledgements: list[OpenAcknowledgement]

    @property
    def open_count(self) -> int:
        return sum(1 for i in self.items if i.assignment.completed_on is None)


_p, _a, _m, _rum = User.__table__, Assignment.__table__, Module.__table__, regulation_update_modules
_u, _c = RegulationUpdate.__table__, Course.__table__
# What a row of the board holds, in order (where things are: below).
_COLUMNS = (_a.c.id, *COURSE_COLUMNS, *CYCLE_COLUMNS, _u.c.effective_on, _u.c.published_at,
            _m.c.id, _m.c.slug, _m.c.major_floor, _rum.c.module_id, *DONE_AT_COLUMNS,
            any_open_acknowledgement(bindparam("user_id")))
# Where things are in a row of _BOARD.
_CYCLE_END, _UPDATE, _MODULE, _NAMED, _DONE, _TO_ACKNOWLEDGE = 16, 16, 18, 21, 22, 25
# The assignment's columns (its course, cycle and regulation update) repeat on each of its
# rows, and only its first is read. They come as the driver gives them (SQLite: dates as
# text), and only that first row's are converted, by their types' own processors: converting
# every repeat was a tenth of the page on SQLite (eight dates on each of ~50 rows).
_ONCE = range(1, _MODULE)
# Built once (every dashboard): the person, and one row per current assignment and live
# module of its course (one row without any for someone with no assignment), with the
# assignment's regulation update (its dates, and whether it names the module), the
# person's completions of the module, and whether they have a regulation update to
# acknowledge (nearly never: the list of those is asked for only then; read as true or
# false, as the driver gives it). Plain rows: loading them as ORM objects was most of the page.
_BOARD = with_completions(
    select(*(type_coerce(c, NullType()) if i in _ONCE or i == _TO_ACKNOWLEDGE else c
             for i, c in enumerate(_COLUMNS)))
    .select_from(_p)
    .outerjoin(_a, and_(_a.c.user_id == _p.c.id, _a.c.current == true()))
    .outerjoin(_c, _c.c.id == _a.c.course_id)
    .outerjoin(_u, _u.c.id == _a.c.regulation_update_id)
    .outerjoin(_m, and_(_m.c.course_id == _a.c.course_id, _m.c.retired_at.is_(None),
                        _m.c.current_version_id.is_not(None)))
    .outerjoin(_rum, and_(_rum.c.regulation_update_id == _a.c.regulation_update_id,
                          _rum.c.module_id == _m.c.id))
    .where(_p.c.id == bindparam("user_id"))
    .order_by(_a.c.id, _m.c.position, _m.c.id), _m)
_BOARD = outside_transaction(_BOARD)  # read-only: PostgreSQL may run it before any BEGIN
_converters: dict[tuple[str, str], list[tuple[int, Callable[[Any], Any]]]] = {}


def _assignment_converters(dialect: Dialect) -> list[tuple[int, Callable[[Any], Any]]]:
    """(position, processor) of the assignment's columns that SQLAlchemy would convert on
    this database, as it would (their types' result processors), worked out once."""
    key = (dialect.name, dialect.driver)
    if key not in _converters:
        _converters[key] = [(i, processor) for i in _ONCE
                            if (processor := _processor(_COLUMNS[i], dialect)) is not None]
    return _converters[key]


def _processor(column: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    return column.type.dialect_impl(dialect).result_processor(dialect, None)


def dashboard(session: Session, user_id: int, today: dt.date, thresholds: Thresholds) -> Dashboard:
    """Everything the dashboard shows, most urgent first."""
    connection = session.connection()
    rows: Sequence[Any] = connection.execute(_BOARD, {"user_id": user_id}).all()
    converters = _assignment_converters(connection.dialect)
    items = []
    for group in _by_assignment(rows):
        head = list(group[0])
        for i, convert in converters:
            head[i] = convert(head[i])
        cycle = Cycle(head[0], CourseCard(*head[1:6]), *head[6:_CYCLE_END])
        view = view_of(cycle, today, thresholds)
        items.append(_item(view, _progress(cycle, head, group), today))
    items.sort(key=lambda item: urgency(item.view))
    to_acknowledge = bool(rows[0][_TO_ACKNOWLEDGE]) if rows else True
    return Dashboard(items, open_acknowledgements(session, user_id) if to_acknowledge else [])


def _by_assignment(rows: Sequence[Any]) -> list[list[Any]]:
    """The rows of each assignment (they come in order of assignment; none for a person
    without any)."""
    groups: list[list[Any]] = []
    current = None
    for row in rows:
        if row[0] is None:
            continue
        if row[0] != current:
            current = row[0]
            groups.append([])
        groups[-1].append(row)
    return groups


def _progress(cycle: Cycle, head: Sequence[Any], rows: Sequence[Any]) -> Progress[Step, DoneAt]:
    """Progress from the assignment's rows (`head`: its first, converted)."""
    modules: list[Step] = []
    affected = set()
    completions: dict[int, list[tuple[DoneAt, int]]] = {}
    module_id: Any = None
    done: list[tuple[DoneAt, int]] | None = None
    for row in rows:  # a module's rows are together, its completions oldest first
        if row[_MODULE] != module_id:
            module_id, slug, major_floor, named = row[_MODULE:_DONE]
            if module_id is None:
                continue
            modules.append(_step((module_id, slug, major_floor)))
            if named is not None:
                affected.add(module_id)
            done = None
        done_id, completed_at, number = row[_DONE:_TO_ACKNOWLEDGE]
        if done_id is not None:
            if done is None:
                done = completions[module_id] = []
            done.append((_done_at((done_id, completed_at)), number))
    cutoff = cutoff_of(head[_UPDATE], head[_UPDATE + 1]) if head[_UPDATE] is not None else None
    return Progress(modules, counting_completions(modules, completions, cycle.counts_from, affected, cutoff))


# Made straight from a tuple: a named tuple's own __new__ is a Python function, and a page
# makes one of each per module and completion (about eighty).
_step: Callable[[tuple[int, str, int]], Step] = functools.partial(tuple.__new__, Step)
_done_at: Callable[[tuple[int, dt.datetime]], DoneAt] = functools.partial(tuple.__new__, DoneAt)


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
    return short_date(day)
