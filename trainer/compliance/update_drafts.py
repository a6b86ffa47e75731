"""Regulation updates before publication: written, changed and deleted as drafts.

A draft reaches nobody. Publishing (trainer.compliance.regulation_updates.publish_update)
is final: a published update is evidence and is never edited or deleted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trainer import audit
from trainer.audit import Actor
from trainer.compliance.regulation_updates import UpdateError
from trainer.content.markdown import render_markdown
from trainer.models import Assignment, Module, RegulationUpdate, UpdateAcknowledgement

ACTIONS = ("retrain", "acknowledge")


@dataclasses.dataclass
class UpdateDraft:
    """What the admin writes about a change in the law or guidance."""

    title: str
    regulation: str
    summary: str
    effective_on: dt.date
    due_days: int = 30
    action: str = "retrain"
    module_ids: list[int] = dataclasses.field(default_factory=list)


def save_update(session: Session, actor: Actor, update: RegulationUpdate | None,
                draft: UpdateDraft) -> RegulationUpdate:
    """Create or change an unpublished update; the summary is rendered through the sanitiser."""
    if update is not None and update.published_at is not None:
        raise UpdateError("A published update cannot be changed.")
    _check(draft)
    created = update is None
    if update is None:
        update = RegulationUpdate()
        session.add(update)
    update.title = " ".join(draft.title.split())
    update.regulation = " ".join(draft.regulation.split())
    update.summary = draft.summary.strip() + "\n"
    update.summary_html = render_markdown(draft.summary)
    update.effective_on = draft.effective_on
    update.due_days = draft.due_days
    update.action = draft.action
    update.modules = list(session.scalars(select(Module).where(Module.id.in_(draft.module_ids))))
    session.flush()
    action = "regulation_update.created" if created else "regulation_update.updated"
    audit.record(session, actor, action, update, regulation=update.regulation, action=update.action,
                 effective_on=update.effective_on.isoformat(),
                 module_ids=sorted(m.id for m in update.modules))
    return update


def _check(draft: UpdateDraft) -> None:
    if not draft.title.strip() or not draft.regulation.strip() or not draft.summary.strip():
        raise UpdateError("An update needs a title, a regulation reference and a summary.")
    if draft.action not in ACTIONS:
        raise UpdateError("Choose whether people retrain or acknowledge the update.")
    if draft.due_days < 1:
        raise UpdateError("Due days must be at least 1.")


def delete_update(session: Session, actor: Actor, update: RegulationUpdate) -> None:
    """Delete a draft (published updates are kept as evidence)."""
    if update.published_at is not None:
        raise UpdateError("A published update cannot be deleted.")
    audit.record(session, actor, "regulation_update.deleted", update, regulation=update.regulation)
    session.delete(update)
    session.flush()


def people_reached(session: Session, update_ids: list[int]) -> dict[int, int]:
    """How many people each published update reached (retrain cycles or acknowledgement tasks)."""
    if not update_ids:
        return {}
    retrain = session.execute(
        select(Assignment.regulation_update_id, func.count(func.distinct(Assignment.user_id)))
        .where(Assignment.regulation_update_id.in_(update_ids))
        .group_by(Assignment.regulation_update_id))
    acknowledge = session.execute(
        select(UpdateAcknowledgement.regulation_update_id, func.count())
        .where(UpdateAcknowledgement.regulation_update_id.in_(update_ids))
        .group_by(UpdateAcknowledgement.regulation_update_id))
    reached = {update_id: 0 for update_id in update_ids}
    for update_id, count in [*retrain, *acknowledge]:
        reached[update_id] += count
    return reached
