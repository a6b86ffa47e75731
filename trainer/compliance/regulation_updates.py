"""Regulation updates: publishing one reaches exactly the people whose training predates it."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, select
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


def open_acknowledgements(session: Session, user_id: int) -> list[UpdateAcknowledgement]:
    return list(session.scalars(
        select(UpdateAcknowledgement)
        .where(UpdateAcknowledgement.user_id == user_id,
               UpdateAcknowledgement.acknowledged_at.is_(None))
        .order_by(UpdateAcknowledgement.due_on)
    ))
