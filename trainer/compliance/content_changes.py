"""What a new module version means for people who already completed the module."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer import audit
from trainer.audit import Actor
from trainer.compliance.reopening import Reopening, reopen
from trainer.models import Assignment, ModuleCompletion, ModuleVersion


def reopen_after_major_change(
    session: Session, actor: Actor, version: ModuleVersion, today: dt.date
) -> int:
    """Give everyone who completed the course on an older version of this module a delta cycle.

    Minor versions change nothing. People part-way through the course simply find that
    their completion of the older version no longer counts (the module's major floor).
    """
    if version.change != "major":
        return 0
    module = version.module
    fresh = (
        select(ModuleCompletion.user_id)
        .join(ModuleVersion, ModuleVersion.id == ModuleCompletion.module_version_id)
        .where(ModuleCompletion.module_id == module.id, ModuleVersion.number >= version.number)
    )
    stale = session.scalars(
        select(Assignment).where(
            Assignment.course_id == module.course_id,
            Assignment.current.is_(True),
            Assignment.completed_on.is_not(None),
            Assignment.user_id.not_in(fresh),
        )
    ).all()
    note = version.change_note or f"{version.title} changed."
    count = reopen(session, list(stale), Reopening("major_change", note), today)
    if count:
        audit.record(session, actor, "module.major_change_reopened", module,
                     version=version.number, people=count, note=note)
    return count
