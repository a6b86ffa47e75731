"""What the compliance engine does after course content is published or imported.

Course settings may have changed (the course file's audience, due days and refresher feed
its default requirement) and major module versions reopen training; then assignments are
synced so that a fresh install assigns the shipped courses at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer.audit import Actor
from trainer.compliance.content_changes import reopen_after_major_change
from trainer.compliance.requirements import ensure_course_default
from trainer.compliance.sync import SyncResult, sync_assignments
from trainer.models import Course, ModuleVersion


@dataclasses.dataclass(frozen=True)
class FollowUp:
    reopened: int
    sync: SyncResult

    def summary(self) -> str:
        return f"{self.reopened} reopened after major changes; assignments: {self.sync.summary()}"


def apply_published_content(
    session: Session,
    actor: Actor,
    today: dt.date,
    *,
    course_slugs: Iterable[str] = (),
    major_versions: Iterable[ModuleVersion] = (),
    refresher_window_days: int = 30,
) -> FollowUp:
    """Keep default requirements in step with changed courses, reopen, then sync."""
    slugs = set(course_slugs)
    if slugs:
        for course in session.scalars(select(Course).where(Course.slug.in_(slugs))):
            ensure_course_default(session, actor, course)
    reopened = sum(reopen_after_major_change(session, actor, v, today) for v in major_versions)
    result = sync_assignments(session, today, actor=actor, refresher_window_days=refresher_window_days)
    return FollowUp(reopened=reopened, sync=result)
