"""The status of one assignment on a day, in Python and as an SQL expression.

`status()` and `status_sql()` must agree on every row; a property test proves it on both
databases. Change them together. The rules, and why, are in docs/compliance.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import and_, case, func, literal, null
from sqlalchemy.sql.elements import ColumnElement

from trainer.compliance.rows import Cycle
from trainer.models import Assignment

STATUSES = (
    "not_started",
    "in_progress",
    "due_soon",
    "overdue",
    "completed",
    "expiring",
    "update_pending",
    "expired",
    "closed",
)
# Statuses in which the person counts as trained (compliant) for the course.
COMPLIANT = ("completed", "expiring", "update_pending")
# Most urgent first: the employee dashboard and HR lists sort by this.
URGENCY = ("overdue", "due_soon", "update_pending", "expiring", "in_progress", "not_started",
           "expired", "completed", "closed")
# Cycles that reopen training someone had completed: only the changed modules are redone
# (delta cycles), and the completion they carry over holds meanwhile.
DELTA_REASONS = ("major_change", "regulation_update")
# Every cycle that reopens a completed course: while one is open, an update is pending.
REOPENED_REASONS = ("refresher", *DELTA_REASONS)


@dataclasses.dataclass(frozen=True)
class Thresholds:
    """Days before the due date that count as "due soon", before expiry as "expiring"."""

    due_soon_days: int = 14
    expiring_days: int = 30

    @classmethod
    def from_config(cls, config: Any) -> Thresholds:
        return cls(int(config["DUE_SOON_DAYS"]), int(config["EXPIRING_DAYS"]))


def status(assignment: Assignment | Cycle, today: dt.date, thresholds: Thresholds = Thresholds()) -> str:
    """Classify one assignment on `today` (docs/compliance.md).

    A reopened cycle that is not done yet keeps the person compliant until its due date,
    while the completion it follows still holds: a refresher reads "expiring", a major change
    or regulation update "update_pending". After the due date both are "overdue"; a delta
    cycle whose carried-over expiry passed first reads "expired".
    """
    a = assignment
    if a.completed_on is not None:
        if a.expires_on is not None and today > a.expires_on:
            return "expired"
        if a.expires_on is not None and a.expires_on <= today + _days(thresholds.expiring_days):
            return "expiring"
        return "completed"
    if a.closed_on is not None:
        return "closed"
    if today > a.due_on:
        return "overdue"
    if a.reason == "refresher":
        return "expiring"
    if a.reason in DELTA_REASONS:
        return "expired" if a.expires_on is not None and today > a.expires_on else "update_pending"
    if a.due_on <= today + _days(thresholds.due_soon_days):
        return "due_soon"
    if a.started_on is not None:
        return "in_progress"
    return "not_started"


def status_sql(today: dt.date, thresholds: Thresholds = Thresholds()) -> ColumnElement[str]:
    """The same classification as a CASE expression over the assignments table."""
    a = Assignment
    expiring_by = today + _days(thresholds.expiring_days)
    due_soon_by = today + _days(thresholds.due_soon_days)
    done = a.completed_on.is_not(None)
    return case(
        (and_(done, a.expires_on.is_not(None), a.expires_on < today), literal("expired")),
        (and_(done, a.expires_on.is_not(None), a.expires_on <= expiring_by), literal("expiring")),
        (done, literal("completed")),
        (a.closed_on.is_not(None), literal("closed")),
        (a.due_on < today, literal("overdue")),
        (a.reason == "refresher", literal("expiring")),
        (and_(a.reason.in_(DELTA_REASONS), a.expires_on.is_not(None), a.expires_on < today),
         literal("expired")),
        (a.reason.in_(DELTA_REASONS), literal("update_pending")),
        (a.due_on <= due_soon_by, literal("due_soon")),
        (a.started_on.is_not(None), literal("in_progress")),
        else_=literal("not_started"),
    )


def is_compliant(status_name: str) -> bool:
    return status_name in COMPLIANT


def pending_update(reason: str, completed_on: dt.date | None, change_note: str | None) -> str | None:
    """Which reopened cycle is open and why, as lists and exports say it: "major change:
    Section 3 rewritten.", "refresher". None when no reopened cycle is open."""
    if completed_on is not None or reason not in REOPENED_REASONS:
        return None
    label = reason.replace("_", " ")
    return f"{label}: {change_note}" if change_note else label


def pending_update_sql() -> ColumnElement[str | None]:
    """`pending_update` as an SQL expression over the assignments table; a test proves they
    agree on every reason, with and without a completion and a change note."""
    a = Assignment
    label = func.replace(a.reason, "_", " ")
    return case(
        (and_(a.completed_on.is_(None), a.reason.in_(REOPENED_REASONS)),
         case((a.change_note != "", label + ": " + a.change_note), else_=label)),
        else_=null(),
    )


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)
