"""Reminders a person asks for by hand: HR's "remind the outstanding" and a manager's "nudge".

They go through the outbox like every planned reminder (delivered by `trainer reminders
send`, shown in the recipient's notifications), and at most one such reminder reaches a
person per day: the dedupe key is "nudge:<day>:<person>", unique in the outbox, so a second
press the same day (by anyone, from any page or host) adds nothing. Each press is audited
with how many were reminded and how many had been already that day.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer import audit, clock
from trainer.audit import Actor
from trainer.models import Assignment, RegulationUpdate
from trainer.notify.planning import insert_values


@dataclasses.dataclass(frozen=True)
class NudgeResult:
    reminded: int
    already_today: int

    def summary(self) -> str:
        people = "person" if self.reminded == 1 else "people"
        text = f"Reminded {self.reminded} {people}."
        if self.already_today:
            text += f" {self.already_today} had already been reminded today."
        return text


def nudge_key(day: dt.date, user_id: int) -> str:
    return f"nudge:{day.isoformat()}:{user_id}"


def remind_update(session: Session, actor: Actor, update: RegulationUpdate, user_ids: Iterable[int],
                  today: dt.date) -> NudgeResult:
    """Remind people to acknowledge a regulation update (their open tasks)."""
    rows = [{"user_id": user_id, "regulation_update_id": update.id, "kind": "regulation_update"}
            for user_id in sorted(set(user_ids))]
    result = _insert(session, rows, today)
    audit.record(session, actor, "acknowledgements.reminded", update, **dataclasses.asdict(result))
    return result


def remind_assignments(session: Session, actor: Actor, user_ids: Iterable[int],
                       course_ids: Iterable[int] | None, today: dt.date, *, action: str,
                       target: Any) -> NudgeResult:
    """Remind people of their open cycles (of `course_ids`, or all): one reminder per person
    naming their most urgent open cycle, "overdue" if its due date has passed."""
    a = Assignment
    query = (
        select(a.user_id, a.id, a.due_on)
        .where(a.user_id.in_(sorted(set(user_ids))), a.current.is_(True), a.completed_on.is_(None),
               a.closed_on.is_(None))
        .order_by(a.user_id, a.due_on, a.id)
    )
    if course_ids is not None:
        query = query.where(a.course_id.in_(sorted(set(course_ids))))
    first: dict[int, tuple[int, dt.date]] = {}
    for user_id, assignment_id, due_on in session.execute(query):
        first.setdefault(user_id, (assignment_id, due_on))
    rows = [{"user_id": user_id, "assignment_id": assignment_id,
             "kind": "overdue" if due_on < today else "due_soon"}
            for user_id, (assignment_id, due_on) in sorted(first.items())]
    result = _insert(session, rows, today)
    audit.record(session, actor, action, target, **dataclasses.asdict(result))
    return result


def _insert(session: Session, rows: list[dict[str, Any]], today: dt.date) -> NudgeResult:
    if not rows:
        return NudgeResult(0, 0)
    now = clock.now()
    values = [{"subject_user_id": None, "assignment_id": None, "regulation_update_id": None, **row,
               "dedupe_key": nudge_key(today, row["user_id"]), "channel": "email", "created_at": now,
               "attempts": 0} for row in rows]
    added = insert_values(session, values)
    session.flush()
    return NudgeResult(added, len(values) - added)
