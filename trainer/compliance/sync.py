"""Materialise assignments from requirements: `sync_assignments(session, today)`.

Idempotent and set-based: it computes who must hold a current assignment for which course,
compares that with the current assignments, and writes only the difference. Re-running
with nothing changed reads and writes nothing but the comparison.

- People who match an active rule and hold no current assignment get one (or, if their last
  completion of the course is still valid, that completion becomes current again).
- Current assignments of people no longer in any active or paused rule's audience are
  closed with a reason; completed ones stay as evidence.
- A completed assignment whose expiry is within the refresher window opens the next cycle,
  due on the expiry date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session, selectinload

from trainer import audit
from trainer.audit import Actor
from trainer.compliance.calendar import add_months
from trainer.compliance.requirements import audience_condition, refresher_months
from trainer.models import Assignment, Course, Requirement, User

Pair = tuple[int, int]  # (user_id, course_id)
BATCH = 5000


@dataclasses.dataclass
class SyncResult:
    created: int = 0
    restored: int = 0
    closed: int = 0
    refreshers: int = 0

    @property
    def changes(self) -> int:
        return self.created + self.restored + self.closed + self.refreshers

    def summary(self) -> str:
        return (f"{self.created} assigned, {self.restored} restored, {self.refreshers} "
                f"refreshers opened, {self.closed} closed")


@dataclasses.dataclass(frozen=True)
class _Current:
    id: int
    completed_on: dt.date | None
    expires_on: dt.date | None
    requirement_id: int | None


def sync_assignments(
    session: Session,
    today: dt.date,
    *,
    actor: Actor | None = None,
    refresher_window_days: int = 30,
    user_ids: Iterable[int] | None = None,
) -> SyncResult:
    """Bring assignments in line with requirements on `today`; flushes, does not commit.

    `user_ids` limits the work to some people (after editing one person, say).
    """
    only = set(user_ids) if user_ids is not None else None
    requirements = _live_requirements(session)
    wanted, kept = _desired(session, requirements, only)
    current = _current_assignments(session, only)
    result = SyncResult()
    result.closed = _close(session, current, kept, today)
    missing = [pair for pair in wanted if pair not in current]
    result.restored, restored_pairs = _restore_valid(session, missing, today)
    new_pairs = [pair for pair in missing if pair not in restored_pairs]
    result.created = _create(session, new_pairs, wanted, today)
    result.refreshers = _open_refreshers(
        session, current, wanted, requirements, today, refresher_window_days
    )
    if result.changes:
        audit.record(session, actor or Actor.system(), "assignments.synced",
                     on=today.isoformat(), **dataclasses.asdict(result))
    session.flush()
    return result


def _live_requirements(session: Session) -> dict[int, Requirement]:
    """Active and paused requirements of courses that are not retired."""
    rows = session.scalars(
        select(Requirement)
        .join(Course, Course.id == Requirement.course_id)
        .where(Requirement.status.in_(("active", "paused")), Course.retired_at.is_(None))
        .options(selectinload(Requirement.departments), selectinload(Requirement.users))
    ).all()
    return {r.id: r for r in rows}


def _desired(
    session: Session, requirements: dict[int, Requirement], only: set[int] | None
) -> tuple[dict[Pair, tuple[Requirement, dt.date | None]], set[Pair]]:
    """(pairs an active rule wants assigned -> (strictest rule, hired_on), pairs any live rule keeps)."""
    wanted: dict[Pair, tuple[Requirement, dt.date | None]] = {}
    kept: set[Pair] = set()
    for requirement in sorted(requirements.values(), key=lambda r: (r.due_days, r.id)):
        query = select(User.id, User.hired_on).where(audience_condition(requirement))
        if only is not None:
            query = query.where(User.id.in_(only))
        for user_id, hired_on in session.execute(query):
            pair = (user_id, requirement.course_id)
            kept.add(pair)
            if requirement.status == "active" and pair not in wanted:
                wanted[pair] = (requirement, hired_on)
    return wanted, kept


def _current_assignments(session: Session, only: set[int] | None) -> dict[Pair, _Current]:
    query = select(
        Assignment.user_id, Assignment.course_id, Assignment.id, Assignment.completed_on,
        Assignment.expires_on, Assignment.requirement_id,
    ).where(Assignment.current.is_(True))
    if only is not None:
        query = query.where(Assignment.user_id.in_(only))
    return {
        (user_id, course_id): _Current(id_, completed_on, expires_on, requirement_id)
        for user_id, course_id, id_, completed_on, expires_on, requirement_id
        in session.execute(query)
    }


def _close(session: Session, current: dict[Pair, _Current], kept: set[Pair], today: dt.date) -> int:
    leaving = [pair for pair in current if pair not in kept]
    if not leaving:
        return 0
    inactive = set(session.scalars(
        select(User.id).where(User.id.in_({u for u, _ in leaving}), User.active.is_(False))
    ))
    by_reason: dict[str, list[int]] = {}
    for pair in leaving:
        reason = "deactivated" if pair[0] in inactive else "no longer in the audience"
        by_reason.setdefault(reason, []).append(current.pop(pair).id)
    for reason, ids in by_reason.items():
        for chunk in _chunks(ids):
            session.execute(
                update(Assignment).where(Assignment.id.in_(chunk))
                .values(current=False, closed_on=today, closed_reason=reason)
                .execution_options(synchronize_session=False)
            )
    return len(leaving)


def _restore_valid(session: Session, missing: list[Pair], today: dt.date) -> tuple[int, set[Pair]]:
    """People back in the audience whose last completion is still valid keep it."""
    if not missing:
        return 0, set()
    restorable: dict[Pair, int] = {}
    for chunk in _chunks(sorted({u for u, _ in missing})):
        rows = session.execute(
            select(Assignment.user_id, Assignment.course_id, Assignment.id)
            .where(Assignment.user_id.in_(chunk), Assignment.current.is_(False),
                   Assignment.completed_on.is_not(None),
                   (Assignment.expires_on.is_(None)) | (Assignment.expires_on >= today))
            .order_by(Assignment.cycle)
        )
        for user_id, course_id, id_ in rows:
            restorable[(user_id, course_id)] = id_  # the latest cycle wins
    wanted = set(missing)
    ids = [id_ for pair, id_ in restorable.items() if pair in wanted]
    for chunk in _chunks(ids):
        session.execute(
            update(Assignment).where(Assignment.id.in_(chunk))
            .values(current=True, closed_on=None, closed_reason=None)
            .execution_options(synchronize_session=False)
        )
    return len(ids), {pair for pair in restorable if pair in wanted}


def _create(
    session: Session,
    pairs: list[Pair],
    wanted: dict[Pair, tuple[Requirement, dt.date | None]],
    today: dt.date,
) -> int:
    if not pairs:
        return 0
    cycles = _last_cycles(session, pairs)
    rows = []
    for pair in pairs:
        requirement, hired_on = wanted[pair]
        rows.append(_new_assignment_row(pair, requirement, hired_on, cycles.get(pair, 0) + 1, today))
    for chunk in _chunks(rows):
        session.execute(insert(Assignment), chunk)
    return len(rows)


def _new_assignment_row(
    pair: Pair, requirement: Requirement, hired_on: dt.date | None, cycle: int, today: dt.date
) -> dict[str, Any]:
    starts = max(today, hired_on) if hired_on else today
    joined_after_rule = (
        hired_on is not None
        and requirement.created_at is not None
        and hired_on >= requirement.created_at.date()
    )
    months = refresher_months(requirement)
    return {
        "user_id": pair[0],
        "course_id": pair[1],
        "requirement_id": requirement.id,
        "cycle": cycle,
        "reason": "new_hire" if joined_after_rule else "requirement",
        "assigned_on": today,
        "due_on": starts + dt.timedelta(days=requirement.due_days),
        # A completion older than one refresher interval no longer counts for a new cycle.
        "counts_from": add_months(today, -months) if months else None,
        "current": True,
        "change_note": "",
    }


def _last_cycles(session: Session, pairs: list[Pair]) -> dict[Pair, int]:
    cycles: dict[Pair, int] = {}
    wanted = set(pairs)
    for chunk in _chunks(sorted({u for u, _ in pairs})):
        rows = session.execute(
            select(Assignment.user_id, Assignment.course_id, func.max(Assignment.cycle))
            .where(Assignment.user_id.in_(chunk))
            .group_by(Assignment.user_id, Assignment.course_id)
        )
        for user_id, course_id, cycle in rows:
            if (user_id, course_id) in wanted:
                cycles[(user_id, course_id)] = cycle
    return cycles


def _open_refreshers(
    session: Session,
    current: dict[Pair, _Current],
    wanted: dict[Pair, tuple[Requirement, dt.date | None]],
    requirements: dict[int, Requirement],
    today: dt.date,
    window_days: int,
) -> int:
    window = dt.timedelta(days=window_days)
    due = [
        (pair, row) for pair, row in current.items()
        if row.completed_on and row.expires_on and row.expires_on - window <= today
        and pair in wanted
    ]
    if not due:
        return 0
    for chunk in _chunks([row.id for _, row in due]):
        session.execute(
            update(Assignment).where(Assignment.id.in_(chunk)).values(current=False)
            .execution_options(synchronize_session=False)
        )
    cycles = _last_cycles(session, [pair for pair, _ in due])
    rows = []
    for pair, row in due:
        requirement = requirements.get(row.requirement_id or 0) or wanted[pair][0]
        assert row.expires_on is not None
        rows.append({
            "user_id": pair[0], "course_id": pair[1], "requirement_id": requirement.id,
            "cycle": cycles[pair] + 1, "reason": "refresher", "assigned_on": today,
            "due_on": row.expires_on, "counts_from": min(today, row.expires_on - window),
            "current": True, "change_note": "",
        })
    for chunk in _chunks(rows):
        session.execute(insert(Assignment), chunk)
    return len(rows)


def _chunks(items: list[Any], size: int = BATCH) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
