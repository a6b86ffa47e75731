"""Materialise assignments from requirements: `sync_assignments(session, today)`.

Idempotent and set-based: each step asks the database only for the differences between
who must hold a current assignment of which course and who does (anti-joins per course),
and writes only those. Re-running with nothing changed costs a few indexed queries and
writes nothing.

- People who match an active rule and hold no current assignment get one (or, if their last
  completion of the course is still valid, that completion becomes current again).
- Current assignments of people no longer in any active or paused rule's audience are
  closed with a reason; completed ones stay as evidence.
- A completed assignment whose expiry is within the refresher window opens the next cycle,
  due on the expiry date. So does an open delta cycle (major change, regulation update)
  whose carried-over expiry enters the window: the whole course is due again by then, and
  the refresher, due on the earlier of the two dates, takes the delta cycle's place.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    ColumnElement,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    union_all,
    update,
)
from sqlalchemy.orm import Session, selectinload

from trainer import audit, jobs
from trainer.audit import Actor
from trainer.bulk import insert_rows
from trainer.compliance.calendar import add_months
from trainer.compliance.counts import merge_counts
from trainer.compliance.first_cycles import has_any_cycle, insert_first_cycles, wanting
from trainer.compliance.requirements import refresher_months
from trainer.compliance.status import DELTA_REASONS
from trainer.compliance.survey import course_wants, survey_current
from trainer.models import Assignment, Course, Requirement, User

Pair = tuple[int, int]  # (user_id, course_id)
BATCH = 5000
BULK_CHANGE = 5000  # rows changed by one sync that make the planner's statistics stale
PARAMETERS = 20_000  # bound ids per statement, at most (the rules' union names them per rule;
# PostgreSQL allows 65,535 parameters, SQLite 32,766 unless built with more)


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
class _Due:
    """A current assignment whose refresher window has opened: a completed one, or an open
    delta cycle (its expiry carried over from the completion it reopened)."""

    id: int
    user_id: int
    course_id: int
    expires_on: dt.date
    requirement_id: int | None
    due_on: dt.date
    completed: bool
    regulation_update_id: int | None

    @property
    def refresher_due_on(self) -> dt.date:
        """The expiry; an open delta cycle due earlier keeps its earlier date."""
        return self.expires_on if self.completed else min(self.expires_on, self.due_on)


def sync_assignments(
    session: Session,
    today: dt.date,
    *,
    actor: Actor | None = None,
    refresher_window_days: int = 30,
    user_ids: Iterable[int] | None = None,
) -> SyncResult:
    """Bring assignments in line with requirements on `today`; flushes, does not commit.

    Each step asks the database for the differences only (anti-joins), so a sync with
    nothing to do costs a few indexed queries, not a walk over every assignment.
    `user_ids` limits the work to some people (after editing one person, say).
    """
    jobs.serialize(session, "assignments")  # one sync at a time: cron, web, imports
    only = set(user_ids) if user_ids is not None else None
    live = _live_requirements(session)
    active = {course: [r for r in rules if r.status == "active"] for course, rules in live.items()}
    result = SyncResult()
    for some in _id_chunks(only, sum(len(rules) for rules in active.values())):
        survey = survey_current(session, live, active, some)
        if survey.unwanted:
            result.closed += _close(session, live, today, some)
        if not survey.anyone_missing:
            continue
        # People with earlier cycles of the course first, while the statistics still
        # describe the table (after the INSERT below PostgreSQL may think it empty and scan
        # it once per person); then everyone else, who never held the course.
        wanted = _missing(session, active, some)
        restored, restored_pairs = _restore_valid(session, list(wanted), today)
        result.restored += restored
        new_pairs = [pair for pair in wanted if pair not in restored_pairs]
        result.created += _create(session, new_pairs, wanted, today)
        result.created += insert_first_cycles(session, active, today, some)
    result.refreshers = _open_refreshers(session, active, today, refresher_window_days, only)
    if result.changes:
        audit.record(session, actor or Actor.system(), "assignments.synced",
                     on=today.isoformat(), **dataclasses.asdict(result))
        session.flush()
        merge_counts(session)  # the dashboard's counts: fold in what changed since the last merge
    session.flush()
    if result.changes >= BULK_CHANGE:
        _refresh_statistics(session)
    return result


def _id_chunks(only: set[int] | None, rules: int) -> list[set[int] | None]:
    """Everyone (None), or `only` in parts small enough that statements naming the ids once
    per rule stay within the databases' limits on bound parameters (SQLite: 32,766)."""
    if only is None:
        return [None]
    ids = sorted(only)
    size = max(1, PARAMETERS // max(1, rules))
    return [set(ids[start:start + size]) for start in range(0, len(ids), size)]


def _refresh_statistics(session: Session) -> None:
    """After a bulk change, refresh the planner's statistics. With stale ones PostgreSQL
    planned the next sync's anti-joins as if the table were empty (8 s instead of 0.1 s at
    10,000 people) and SQLite ignored the expiry index (0.96 s instead of 0.44 s at 50,000)."""
    session.execute(text("ANALYZE assignments"))


def _live_requirements(session: Session) -> dict[int, list[Requirement]]:
    """Active and paused requirements of courses that are not retired, by course id."""
    rows = session.scalars(
        select(Requirement)
        .join(Course, Course.id == Requirement.course_id)
        .where(Requirement.status.in_(("active", "paused")), Course.retired_at.is_(None))
        .options(selectinload(Requirement.departments), selectinload(Requirement.users))
        .order_by(Requirement.due_days, Requirement.id)  # the strictest rule first
    ).all()
    by_course: dict[int, list[Requirement]] = {}
    for requirement in rows:
        by_course.setdefault(requirement.course_id, []).append(requirement)
    return by_course


def _matches_any(rules_by_course: dict[int, list[Requirement]]) -> ColumnElement[bool]:
    """The assignment's person is in the audience of one of its course's rules (correlated
    EXISTS)."""
    return exists(select(User.id).where(User.id == Assignment.user_id, course_wants(rules_by_course)))


def _close(
    session: Session, live: dict[int, list[Requirement]], today: dt.date, only: set[int] | None
) -> int:
    """Close current assignments whose person no live rule of their course wants any more."""
    query = select(Assignment.id, Assignment.user_id).where(
        Assignment.current.is_(True), ~_matches_any(live))
    if only is not None:
        query = query.where(Assignment.user_id.in_(only))
    leaving = [(row[0], row[1]) for row in session.execute(query)]
    if not leaving:
        return 0
    inactive = set(session.scalars(
        select(User.id).where(User.id.in_({u for _, u in leaving}), User.active.is_(False))))
    by_reason: dict[str, list[int]] = {}
    for assignment_id, user_id in leaving:
        reason = "deactivated" if user_id in inactive else "no longer in the audience"
        by_reason.setdefault(reason, []).append(assignment_id)
    for reason, ids in by_reason.items():
        for chunk in _chunks(ids):
            session.execute(
                update(Assignment).where(Assignment.id.in_(chunk))
                .values(current=False, closed_on=today, closed_reason=reason)
                .execution_options(synchronize_session=False)
            )
    return len(leaving)


def _missing(
    session: Session, active: dict[int, list[Requirement]], only: set[int] | None
) -> dict[Pair, tuple[Requirement, dt.date | None]]:
    """People an active rule wants who hold no current assignment of the course but held an
    earlier cycle of it -> the strictest such rule and their hiring date (one query for
    every rule). The others get their first cycle from `first_cycles.insert_first_cycles`."""
    parts = wanting(active, only)
    if not parts:
        return {}
    rules = {rank: (course_id, requirement) for rank, course_id, requirement, _ in parts}
    query = union_all(*(q.where(has_any_cycle(course_id)).add_columns(literal(rank).label("rank"))
                        for rank, course_id, _, q in parts))
    wanted: dict[Pair, tuple[Requirement, dt.date | None]] = {}
    for user_id, hired_on, rank in sorted(session.execute(query), key=lambda row: row[2]):
        course_id, requirement = rules[rank]
        wanted.setdefault((user_id, course_id), (requirement, hired_on))
    return wanted


def _restore_valid(session: Session, missing: list[Pair], today: dt.date) -> tuple[int, set[Pair]]:
    """People back in the audience whose last completion is still valid keep it; people
    reactivated get back the cycle their deactivation closed, with its original due date
    (work that was overdue stays overdue) and its history."""
    if not missing:
        return 0, set()
    restorable: dict[Pair, int] = {}
    candidates: dict[Pair, list[tuple[int, int, bool]]] = {}
    valid = Assignment.completed_on.is_not(None) & (
        Assignment.expires_on.is_(None) | (Assignment.expires_on >= today))
    closed_by_leaving = Assignment.completed_on.is_(None) & (Assignment.closed_reason == "deactivated")
    for chunk in _chunks(sorted({u for u, _ in missing})):
        rows = session.execute(
            select(Assignment.user_id, Assignment.course_id, Assignment.id, Assignment.cycle,
                   closed_by_leaving)
            .where(Assignment.user_id.in_(chunk), Assignment.current.is_(False),
                   valid | closed_by_leaving)
            .order_by(Assignment.cycle)
        )
        for user_id, course_id, id_, cycle, reopened in rows:
            candidates.setdefault((user_id, course_id), []).append((cycle, id_, bool(reopened)))
    # A cycle closed by a deactivation comes back only if no cycle came after it.
    last = _last_cycles(session, [p for p, found in candidates.items() if any(r for _, _, r in found)])
    for pair, found in candidates.items():
        eligible = [id_ for cycle, id_, reopened in found if not reopened or last.get(pair) == cycle]
        if eligible:
            restorable[pair] = eligible[-1]  # the latest cycle wins
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
        insert_rows(session.connection(), Assignment.__table__, chunk)
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
    active: dict[int, list[Requirement]],
    today: dt.date,
    window_days: int,
    only: set[int] | None,
) -> int:
    """Open the next cycle for completions expiring within the window (still wanted people)."""
    window = dt.timedelta(days=window_days)
    due = _refresher_candidates(session, active, today + window, only)
    if not due:
        return 0
    _supersede(session, [row.id for row in due if row.completed], closed_on=None)
    _supersede(session, [row.id for row in due if not row.completed], closed_on=today)
    cycles = _last_cycles(session, [(row.user_id, row.course_id) for row in due])
    known = {r.id for rules in active.values() for r in rules}
    rows = []
    for row in due:
        requirement_id = row.requirement_id if row.requirement_id in known else active[row.course_id][0].id
        rows.append({
            "user_id": row.user_id, "course_id": row.course_id, "requirement_id": requirement_id,
            "cycle": cycles[(row.user_id, row.course_id)] + 1, "reason": "refresher",
            "assigned_on": today, "due_on": row.refresher_due_on,
            "counts_from": min(today, row.expires_on - window), "current": True, "change_note": "",
            # A superseded regulation-update cycle's modules still need work after its cutoff.
            "regulation_update_id": None if row.completed else row.regulation_update_id,
        })
    for chunk in _chunks(rows):
        insert_rows(session.connection(), Assignment.__table__, chunk)
    return len(rows)


def _refresher_candidates(
    session: Session, active: dict[int, list[Requirement]], expiring_by: dt.date, only: set[int] | None
) -> list[_Due]:
    """Current completed assignments and open delta cycles expiring by `expiring_by`."""
    a = Assignment
    expiring = or_(a.completed_on.is_not(None), a.reason.in_(DELTA_REASONS))
    query = select(a.id, a.user_id, a.course_id, a.expires_on, a.requirement_id, a.due_on,
                   a.completed_on.is_not(None), a.regulation_update_id).where(
        a.current.is_(True), expiring, a.expires_on <= expiring_by, _matches_any(active))
    if only is not None:
        query = query.where(a.user_id.in_(only))
    return [_Due(id_, user_id, course, expires_on, requirement_id, due_on, completed, update_id)
            for id_, user_id, course, expires_on, requirement_id, due_on, completed, update_id
            in session.execute(query)
            if expires_on is not None]  # the WHERE clause ensures it; this tells the type


def _supersede(session: Session, ids: list[int], *, closed_on: dt.date | None) -> None:
    """Make these cycles history; an unfinished one is closed as replaced by the refresher."""
    values: dict[str, Any] = {"current": False}
    if closed_on is not None:
        values |= {"closed_on": closed_on, "closed_reason": "replaced by a refresher"}
    for chunk in _chunks(ids):
        session.execute(update(Assignment).where(Assignment.id.in_(chunk)).values(**values)
                        .execution_options(synchronize_session=False))


def _chunks(items: list[Any], size: int = BATCH) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
