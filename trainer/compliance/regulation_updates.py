"""Regulation updates: publishing one reaches exactly the people whose training predates it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Exists, and_, bindparam, exists, func, select
from sqlalchemy.orm import Session

from trainer import audit, clock
from trainer.audit import Actor
from trainer.compliance.progress import update_cutoff
from trainer.compliance.reopening import Reopening, reopen
from trainer.models import (
    Assignment,
    Module,
    ModuleCompletion,
    ModuleVersion,
    RegulationUpdate,
    UpdateAcknowledgement,
)
from trainer.reads import outside_transaction


class UpdateError(ValueError):
    """The update cannot be published or acknowledged; the message says why."""


@dataclasses.dataclass(frozen=True)
class PublishResult:
    retrain: int = 0
    acknowledge: int = 0
    in_progress: int = 0

    @property
    def people(self) -> int:
        return self.retrain + self.acknowledge + self.in_progress


def publish_update(
    session: Session, actor: Actor, update: RegulationUpdate, today: dt.date
) -> PublishResult:
    """Publish `update` and give each affected person a retrain cycle or a task to acknowledge.

    Affected: people with a current assignment of an affected module's course whose latest
    counting completion of an affected module predates the update's cutoff (the earlier of
    its effective date and its publication).
    """
    if update.published_at is not None:
        raise UpdateError("This update is already published.")
    if not update.modules:
        raise UpdateError("Choose at least one affected module.")
    update.published_at = clock.now()
    update.published_by_id = actor.user_id
    session.flush()
    stale = _assignments_with_stale_completions(session, update)
    if update.action == "acknowledge":
        result = PublishResult(acknowledge=_create_acknowledgements(session, update, stale, today))
    else:
        result = _retrain(session, update, stale, today)
    audit.record(session, actor, "regulation_update.published", update,
                 regulation=update.regulation, action=update.action, **dataclasses.asdict(result))
    return result


def _assignments_with_stale_completions(session: Session, update: RegulationUpdate) -> list[Assignment]:
    module_ids = [m.id for m in update.modules]
    cutoff = dt.datetime.combine(update_cutoff(update), dt.time(0, 0), tzinfo=dt.UTC)
    latest = (
        select(ModuleCompletion.user_id, Module.course_id,
               func.max(ModuleCompletion.completed_at).label("latest"))
        .join(Module, Module.id == ModuleCompletion.module_id)
        .join(ModuleVersion, ModuleVersion.id == ModuleCompletion.module_version_id)
        .where(ModuleCompletion.module_id.in_(module_ids),
               ModuleVersion.number >= Module.major_floor)
        .group_by(ModuleCompletion.user_id, Module.course_id)
        .subquery()
    )
    return list(session.scalars(
        select(Assignment)
        .join(latest, (latest.c.user_id == Assignment.user_id)
              & (latest.c.course_id == Assignment.course_id))
        .where(Assignment.current.is_(True), latest.c.latest < cutoff)
        .order_by(Assignment.id)
    ))


def _retrain(
    session: Session, update: RegulationUpdate, stale: list[Assignment], today: dt.date
) -> PublishResult:
    completed = [a for a in stale if a.completed_on is not None]
    open_ones = [a for a in stale if a.completed_on is None]
    for assignment in open_ones:
        # Part-way through: the affected modules must now be done after the update.
        assignment.regulation_update_id = update.id
        assignment.change_note = _note(update)
    how = Reopening("regulation_update", _note(update), update.due_days, update.id)
    reopened = reopen(session, completed, how, today)
    return PublishResult(retrain=reopened, in_progress=len(open_ones))


def _create_acknowledgements(
    session: Session, update: RegulationUpdate, stale: list[Assignment], today: dt.date
) -> int:
    user_ids = sorted({a.user_id for a in stale})
    for user_id in user_ids:
        session.add(UpdateAcknowledgement(
            regulation_update_id=update.id, user_id=user_id, assigned_on=today,
            due_on=today + dt.timedelta(days=update.due_days),
        ))
    session.flush()
    return len(user_ids)


def _note(update: RegulationUpdate) -> str:
    return f"{update.regulation}: {update.title}"


def acknowledge_update(
    session: Session, actor: Actor, user_id: int, update_id: int
) -> UpdateAcknowledgement:
    """Record that the person read and understood the update (idempotent)."""
    task = session.scalar(select(UpdateAcknowledgement).where(
        UpdateAcknowledgement.regulation_update_id == update_id,
        UpdateAcknowledgement.user_id == user_id,
    ))
    if task is None:
        raise UpdateError("There is no such update for you to acknowledge.")
    if task.acknowledged_at is None:
        task.acknowledged_at = clock.now()
        session.flush()
        audit.record(session, actor, "regulation_update.acknowledged", task.regulation_update,
                     user_id=user_id)
    return task


@dataclasses.dataclass(frozen=True, slots=True)
class OpenAcknowledgement:
    """A regulation update the person has still to acknowledge, as their dashboard shows it."""

    regulation_update_id: int
    due_on: dt.date
    title: str
    regulation: str
    effective_on: dt.date
    summary_html: str


# Built once (every employee dashboard asks), as plain columns: nearly always no row, and
# an ORM query costs most when it finds nothing.
_acks, _updates = UpdateAcknowledgement.__table__, RegulationUpdate.__table__


def _open_of(user_id: Any) -> ColumnElement[bool]:
    """The person's acknowledgements still open (one place for the rule: the list below, and
    the dashboard's question whether there is any)."""
    return and_(_acks.c.user_id == user_id, _acks.c.acknowledged_at.is_(None))


def any_open_acknowledgement(user_id: Any) -> Exists:
    """Whether the person (a column or a bound value) has a regulation update to acknowledge,
    as a column: the dashboard asks in its own statement and lists them only if so."""
    return exists().where(_open_of(user_id))


_OPEN = (
    select(_acks.c.regulation_update_id, _acks.c.due_on, _updates.c.title, _updates.c.regulation,
           _updates.c.effective_on, _updates.c.summary_html)
    .join(_updates, _updates.c.id == _acks.c.regulation_update_id)
    .where(_open_of(bindparam("user_id")))
    .order_by(_acks.c.due_on, _acks.c.id)
)
_OPEN = outside_transaction(_OPEN)  # read-only: PostgreSQL may run it before any BEGIN (trainer/reads.py)


def open_acknowledgements(session: Session, user_id: int) -> list[OpenAcknowledgement]:
    """The person's unacknowledged regulation updates, soonest due first."""
    return [OpenAcknowledgement(*row) for row in session.connection().execute(_OPEN, {"user_id": user_id})]
