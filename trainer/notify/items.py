"""Outbox rows turned into plain items: what each is about, where it leads, if it still applies.

Items hold no ORM objects, so they survive the commits delivery makes between messages.
A handful of queries load a whole batch (assignments, people, updates, acknowledgements,
progress per person), never one query per row of the outbox.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer.compliance.progress import progress_for
from trainer.compliance.requirements import audience_condition
from trainer.models import (
    Assignment,
    Notification,
    RegulationUpdate,
    Requirement,
    UpdateAcknowledgement,
    User,
)
from trainer.notify.links import learn_path

SKIPPED = "skipped: "  # last_error prefix of rows that no longer needed sending


@dataclasses.dataclass(frozen=True)
class Item:
    """One notification, ready to word: for the recipient, or (escalations) about a report."""

    id: int
    recipient_id: int
    kind: str
    created_on: dt.date
    target: str  # what it is about, e.g. "assignment:17": a digest lists each target once
    course_title: str | None = None
    due_on: dt.date | None = None
    path: str | None = None  # the page to go to next, site-relative (None: escalations)
    next_title: str | None = None  # the module to do next
    subject_name: str | None = None  # escalations: whose training is overdue
    update_title: str | None = None
    reason: str | None = None  # the assignment's: initial, refresher, major_change, regulation_update
    change_note: str | None = None  # what changed, for reopened training
    skip: str | None = None  # why it no longer needs sending (None: it does)


@dataclasses.dataclass(frozen=True)
class _Person:
    name: str
    active: bool
    manager_id: int | None
    is_hr: bool


@dataclasses.dataclass
class _Batch:
    """Everything the rows of one batch refer to, loaded with one query per table."""

    assignments: dict[int, Assignment]
    people: dict[int, _Person]
    updates: dict[int, RegulationUpdate]
    acks: dict[tuple[int, int], UpdateAcknowledgement]
    retired_rules: set[int]


def load_items(session: Session, rows: list[Notification], today: dt.date) -> list[Item]:
    """Items for `rows`, in the same order, each with `skip` set when it no longer applies."""
    batch = _load(session, rows)
    next_modules = _next_modules(session, rows, batch)
    return [_item(session, row, batch, next_modules, today) for row in rows]


def _load(session: Session, rows: list[Notification]) -> _Batch:
    assignment_ids = {r.assignment_id for r in rows if r.assignment_id}
    assignments = _by_id(session, Assignment, assignment_ids)
    person_ids = {r.user_id for r in rows if r.user_id} | {a.user_id for a in assignments.values()}
    people = {
        id_: _Person(name, bool(active and not gone), manager_id, bool(is_hr))
        for id_, name, active, gone, manager_id, is_hr in session.execute(
            select(User.id, User.name, User.active, User.pseudonymised_at, User.manager_id, User.is_hr)
            .where(User.id.in_(person_ids)))
    }
    update_ids = {r.regulation_update_id for r in rows if r.regulation_update_id}
    ack_rows: Iterable[UpdateAcknowledgement] = session.scalars(select(UpdateAcknowledgement).where(
        UpdateAcknowledgement.regulation_update_id.in_(update_ids),
        UpdateAcknowledgement.user_id.in_({r.user_id for r in rows if r.user_id}))) if update_ids else []
    rule_ids = {a.requirement_id for a in assignments.values() if a.requirement_id}
    retired = set(session.scalars(select(Requirement.id).where(
        Requirement.id.in_(rule_ids), Requirement.status == "retired"))) if rule_ids else set()
    return _Batch(assignments, people, _by_id(session, RegulationUpdate, update_ids),
                  {(a.regulation_update_id, a.user_id): a for a in ack_rows}, retired)


def _by_id(session: Session, model: Any, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    return {obj.id: obj for obj in session.scalars(select(model).where(model.id.in_(ids)))}


def _next_modules(session: Session, rows: list[Notification], batch: _Batch) -> dict[int, Any]:
    """assignment id -> the module to do next, for the recipients' own training."""
    own: dict[int, dict[int, Assignment]] = defaultdict(dict)
    for row in rows:
        assignment = batch.assignments.get(row.assignment_id or 0)
        if assignment is not None and row.kind != "escalation" and assignment.completed_on is None:
            own[assignment.user_id][assignment.id] = assignment
    result = {}
    for user_id, assignments in own.items():
        for assignment_id, progress in progress_for(session, user_id, assignments.values()).items():
            result[assignment_id] = progress.next_module
    return result


def _item(session: Session, row: Notification, batch: _Batch, next_modules: dict[int, Any],
          today: dt.date) -> Item:
    fields: dict[str, Any] = {
        "id": row.id, "recipient_id": row.user_id, "kind": row.kind,
        "created_on": row.created_at.date(), "target": f"notification:{row.id}",
    }
    update = batch.updates.get(row.regulation_update_id or 0)
    if update is not None:
        fields["update_title"] = update.title
    assignment = batch.assignments.get(row.assignment_id or 0)
    if assignment is not None:
        fields.update(_assignment_fields(row, assignment, batch, next_modules))
    elif update is not None:
        ack = batch.acks.get((update.id, row.user_id or 0))
        fields.update(target=f"update:{update.id}", path=learn_path(update_id=update.id),
                      due_on=ack.due_on if ack else None)
    fields["skip"] = _skip_reason(session, row, batch, today)
    return Item(**fields)


def _assignment_fields(row: Notification, assignment: Assignment, batch: _Batch,
                       next_modules: dict[int, Any]) -> dict[str, Any]:
    course = assignment.course
    fields: dict[str, Any] = {"course_title": course.title, "due_on": assignment.due_on,
                              "target": f"assignment:{assignment.id}", "reason": assignment.reason,
                              "change_note": assignment.change_note}
    if row.kind == "escalation":
        subject = batch.people.get(assignment.user_id)
        fields["subject_name"] = subject.name if subject else None
        return fields
    module = next_modules.get(assignment.id)
    fields["path"] = learn_path(course.slug, module.slug if module else None)
    if module is not None and module.current_version is not None:
        fields["next_title"] = module.current_version.title
    return fields


def _skip_reason(session: Session, row: Notification, batch: _Batch, today: dt.date) -> str | None:
    """Why this notification should no longer be sent, or None when it should."""
    recipient = batch.people.get(row.user_id or 0)
    if recipient is None or not recipient.active:
        return SKIPPED + "recipient deactivated"
    assignment = batch.assignments.get(row.assignment_id or 0)
    if assignment is not None:
        return _assignment_skip(session, row, assignment, batch, today)
    if row.regulation_update_id is not None:
        ack = batch.acks.get((row.regulation_update_id, row.user_id or 0))
        if ack is None or ack.acknowledged_at is not None:
            return SKIPPED + "acknowledged"
    return None


def _assignment_skip(session: Session, row: Notification, assignment: Assignment, batch: _Batch,
                     today: dt.date) -> str | None:
    person = batch.people.get(assignment.user_id)
    reasons = [
        (assignment.completed_on is not None, "completed"),
        (assignment.closed_on is not None or not assignment.current, "no longer assigned"),
        (person is None or not person.active, "deactivated"),
        (assignment.course.retired_at is not None, "course retired"),
        (assignment.requirement_id in batch.retired_rules
         and not _required_by_a_live_rule(session, assignment), "requirement retired"),
    ]
    if row.kind == "escalation":
        reasons += [
            (assignment.due_on >= today, "no longer overdue"),
            (person is not None and person.manager_id != row.user_id
             and not batch.people[row.user_id or 0].is_hr, "no longer their manager"),
        ]
    return next((SKIPPED + why for failed, why in reasons if failed), None)


def _required_by_a_live_rule(session: Session, assignment: Assignment) -> bool:
    """Another active or paused rule of the course still covers the person (rare path)."""
    rules = session.scalars(select(Requirement).where(
        Requirement.course_id == assignment.course_id, Requirement.status.in_(("active", "paused"))))
    return any(
        session.scalar(select(User.id).where(User.id == assignment.user_id, audience_condition(rule)))
        for rule in rules
    )


def targets(items: Iterable[Item]) -> list[Item]:
    """One item per target (the most recently planned), newest first: a digest's lines."""
    latest: dict[str, Item] = {}
    for item in sorted(items, key=lambda i: i.id):
        latest[item.target] = item
    return sorted(latest.values(), key=lambda i: i.id, reverse=True)
