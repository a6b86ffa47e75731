"""Delta cycles: reopening one module's worth of training after content or the law changed.

A major module version, or a regulation update with action "retrain", gives people who had
completed the course a new cycle in which only the affected modules must be done again;
the other modules' completions carry over, and so does the expiry date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trainer.models import Assignment, Requirement


@dataclasses.dataclass(frozen=True)
class Reopening:
    reason: str  # major_change | regulation_update
    change_note: str
    due_days: int | None = None  # None: the requirement's due days
    regulation_update_id: int | None = None


def reopen(session: Session, assignments: list[Assignment], how: Reopening, today: dt.date) -> int:
    """Close each completed current assignment and open a delta cycle after it."""
    if not assignments:
        return 0
    last_cycles = _last_cycles(session, assignments)
    due_days = _due_days(session, assignments, how)
    for old in assignments:
        old.current = False
        session.add(Assignment(
            user_id=old.user_id,
            course_id=old.course_id,
            requirement_id=old.requirement_id,
            regulation_update_id=how.regulation_update_id,
            cycle=last_cycles[(old.user_id, old.course_id)] + 1,
            reason=how.reason,
            assigned_on=today,
            due_on=today + dt.timedelta(days=due_days[old.id]),
            counts_from=old.counts_from,
            started_on=today,  # the untouched modules are already done
            expires_on=old.expires_on,
            current=True,
            change_note=how.change_note,
        ))
    session.flush()
    return len(assignments)


def _due_days(session: Session, assignments: list[Assignment], how: Reopening) -> dict[int, int]:
    if how.due_days is not None:
        return {a.id: how.due_days for a in assignments}
    ids = {a.requirement_id for a in assignments if a.requirement_id}
    query = select(Requirement.id, Requirement.due_days).where(Requirement.id.in_(ids))
    days: dict[int | None, int] = dict(session.execute(query).all())
    return {a.id: days.get(a.requirement_id, a.course.due_days) for a in assignments}


def _last_cycles(session: Session, assignments: list[Assignment]) -> dict[tuple[int, int], int]:
    course_ids = {a.course_id for a in assignments}
    user_ids = {a.user_id for a in assignments}
    rows = session.execute(
        select(Assignment.user_id, Assignment.course_id, func.max(Assignment.cycle))
        .where(Assignment.course_id.in_(course_ids), Assignment.user_id.in_(user_ids))
        .group_by(Assignment.user_id, Assignment.course_id)
    )
    return {(user_id, course_id): cycle for user_id, course_id, cycle in rows}
