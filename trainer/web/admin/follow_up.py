"""What admin pages do after a change: the compliance engine's follow-up, with the app's settings."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app

from trainer import clock
from trainer.compliance.publishing import FollowUp, apply_published_content
from trainer.compliance.sync import SyncResult, sync_assignments
from trainer.extensions import db
from trainer.models import ModuleVersion
from trainer.web.context import current_actor


def after_publishing(course_slugs: Iterable[str] = (),
                     major_versions: Iterable[ModuleVersion] = ()) -> FollowUp:
    """Default requirements follow the course, major versions reopen training, then sync."""
    return apply_published_content(
        db.session, current_actor(), clock.today(), course_slugs=course_slugs,
        major_versions=major_versions, refresher_window_days=_refresher_window())


def sync_people(user_ids: Iterable[int] | None = None) -> SyncResult:
    """Bring assignments in line (for everyone, or only these people)."""
    return sync_assignments(db.session, clock.today(), actor=current_actor(),
                            refresher_window_days=_refresher_window(), user_ids=user_ids)


def _refresher_window() -> int:
    return int(current_app.config["REFRESHER_WINDOW_DAYS"])
