"""The HR dashboard's figures, kept by the database: counts of current assignments.

A status depends on today (docs/compliance.md), so the counts cannot be kept per status.
They are kept per key instead: department, course, `stage` (what status_sql() decides
before it looks at a date) and the two dates it compares with today (the due date, the
expiry; NO_DATE where the stage ignores one). `status_of_counts(today)` classifies a key on
any day with the same rules, so the dashboard sums a few thousand rows, already grouped,
instead of scanning every current assignment and the people they belong to.

Triggers (migration 0017) keep the rows in the same transaction as every change of an
assignment or of a person's department or active flag, whatever code makes it (ORM, bulk
UPDATE, COPY): SQLite adds into the key's one merged row; PostgreSQL appends the net change
of each statement as an unmerged row, so concurrent writers never wait on a counter row.
`merge_counts` folds those in (a sync that changed something does, under the sync lock,
and so does `trainer report counts`). `rebuild_counts` and
`count_mismatches` recount from the assignments (`trainer report counts`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, func, insert, literal, select, text
from sqlalchemy.orm import Session

from trainer.compliance.status import DELTA_REASONS, Thresholds
from trainer.models import NO_DATE, Assignment, ComplianceCount, User

Key = tuple[int, int, str, dt.date, dt.date]  # department (0: none), course, stage, due, expires


def stage_of(a: Any = Assignment) -> ColumnElement[str]:
    """What status_sql() settles before comparing dates; `a` is Assignment or an alias."""
    return case(
        (a.completed_on.is_not(None), literal("completed")),
        (a.closed_on.is_not(None), literal("closed")),
        (a.reason == "refresher", literal("refresher")),
        (a.reason.in_(DELTA_REASONS), literal("update")),
        (a.started_on.is_not(None), literal("started")),
        else_=literal("not_started"),
    )


def due_key(a: Any = Assignment) -> ColumnElement[dt.date]:
    """The due date, for a cycle still open; NO_DATE once it is done or closed."""
    return case((and_(a.completed_on.is_(None), a.closed_on.is_(None)), a.due_on), else_=literal(NO_DATE))


def expires_key(a: Any = Assignment) -> ColumnElement[dt.date]:
    """The expiry, where the status reads it (done, or an open delta cycle); else NO_DATE."""
    reads_expiry = a.completed_on.is_not(None) | (a.closed_on.is_(None) & a.reason.in_(DELTA_REASONS))
    return case((reads_expiry, func.coalesce(a.expires_on, literal(NO_DATE))), else_=literal(NO_DATE))


def status_of_counts(today: dt.date, thresholds: Thresholds) -> ColumnElement[str]:
    """status_sql() over a ComplianceCount key: the same rules in the same order. NO_DATE
    makes "expires_on < today" and "due_on < today" false, as a missing date does there."""
    c = ComplianceCount
    expiring_by = today + dt.timedelta(days=thresholds.expiring_days)
    due_soon_by = today + dt.timedelta(days=thresholds.due_soon_days)
    done = c.stage == "completed"
    return case(
        (and_(done, c.expires_on < today), literal("expired")),
        (and_(done, c.expires_on <= expiring_by), literal("expiring")),
        (done, literal("completed")),
        (c.stage == "closed", literal("closed")),
        (c.due_on < today, literal("overdue")),
        (c.stage == "refresher", literal("expiring")),
        (and_(c.stage == "update", c.expires_on < today), literal("expired")),
        (c.stage == "update", literal("update_pending")),
        (c.due_on <= due_soon_by, literal("due_soon")),
        (c.stage == "started", literal("in_progress")),
        else_=literal("not_started"),
    )


def _live_key_columns() -> list[Any]:
    department = func.coalesce(User.department_id, 0)
    return [department, Assignment.course_id, stage_of(), due_key(), expires_key()]


def _live() -> Any:
    """The counts as they are, recounted from current assignments of active people."""
    columns = _live_key_columns()
    return (select(*columns, func.count()).select_from(Assignment)
            .join(User, User.id == Assignment.user_id)
            .where(Assignment.current.is_(True), User.active.is_(True)).group_by(*columns))


def live_counts(session: Session) -> dict[Key, int]:
    return {tuple(row[:5]): row[5] for row in session.execute(_live())}


def stored_counts(session: Session) -> dict[Key, int]:
    c = ComplianceCount
    key = (c.department_id, c.course_id, c.stage, c.due_on, c.expires_on)
    rows = session.execute(select(*key, func.sum(c.n)).group_by(*key))
    return {tuple(row[:5]): int(row[5]) for row in rows if row[5]}  # type: ignore[misc]


@dataclasses.dataclass(frozen=True)
class Mismatch:
    key: Key
    stored: int
    live: int


def count_mismatches(session: Session) -> list[Mismatch]:
    """Keys whose kept count differs from a recount (none, unless something bypassed the
    triggers or raced them: see docs/architecture.md)."""
    stored, live = stored_counts(session), live_counts(session)
    return [Mismatch(key, stored.get(key, 0), live.get(key, 0))
            for key in sorted(stored.keys() | live.keys(), key=str) if stored.get(key, 0) != live.get(key, 0)]


def rebuild_counts(session: Session) -> None:
    """Replace the counts by a recount. On PostgreSQL in one statement (one snapshot), so a
    change committed meanwhile is counted once: by the recount if it committed before, by
    its own appended row if after."""
    c = ComplianceCount.__table__
    columns = ["department_id", "course_id", "stage", "due_on", "expires_on", "n", "merged"]
    recount = _live().add_columns(literal(True))
    if session.get_bind().dialect.name == "postgresql":
        gone = delete(c).returning(c.c.id).cte("gone")
        # Reading `gone` makes the delete finish before the first row goes in (the unique
        # index on merged keys would refuse the new row while the old one is still there).
        emptied = select(func.count()).select_from(gone).scalar_subquery() >= 0
        session.execute(insert(c).from_select(columns, recount.where(emptied)).add_cte(gone))
    else:
        session.execute(delete(c))
        session.execute(insert(c).from_select(columns, recount))


def merge_counts(session: Session) -> None:
    """Fold PostgreSQL's unmerged rows into one merged row per key; drop SQLite's merged rows
    that count nothing (its triggers leave them; PostgreSQL's merge never writes one).

    Callers hold the sync lock (jobs.serialize "assignments"): two merges never interleave.
    On PostgreSQL the delete and the insert are one statement (one snapshot): rows other
    transactions append meanwhile stay as they are, to be merged next time.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(_PG_MERGE))
    else:
        c = ComplianceCount.__table__
        session.execute(delete(c).where(c.c.merged.is_(True), c.c.n == 0))


# Every row of a key an unmerged row touches is deleted and summed into one merged row.
_PG_MERGE = """
WITH touched AS (SELECT DISTINCT department_id, course_id, stage, due_on, expires_on
                 FROM compliance_counts WHERE NOT merged),
gone AS (DELETE FROM compliance_counts c USING touched t
         WHERE (c.department_id, c.course_id, c.stage, c.due_on, c.expires_on)
             = (t.department_id, t.course_id, t.stage, t.due_on, t.expires_on)
         RETURNING c.department_id, c.course_id, c.stage, c.due_on, c.expires_on, c.n)
INSERT INTO compliance_counts (department_id, course_id, stage, due_on, expires_on, n, merged)
SELECT department_id, course_id, stage, due_on, expires_on, SUM(n), true FROM gone
GROUP BY department_id, course_id, stage, due_on, expires_on HAVING SUM(n) <> 0
"""
