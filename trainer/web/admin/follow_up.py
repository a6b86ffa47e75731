"""What admin pages do after a change: the compliance engine's follow-up, with the app's settings."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app

from trainer import clock
from trainer.compliance.publishing import (
    FollowUp,
    Published,
    Source,
    apply_published_content,
    publish_content,
)
from trainer.compliance.sync import SyncResult, sync_assignments
from trainer.extensions import db
from trainer.web.context import current_actor


def publish(source: Source) -> Published:
    """Publish through the one publish path (it runs the compliance follow-up)."""
    return publish_content(db.session, current_actor(), clock.today(), source,
                           refresher_window_days=_refresher_window())


def after_settings_change(course_slugs: Iterable[str]) -> FollowUp:
    """A course's settings changed: its default requirement follows, then sync."""
    return apply_published_content(db.session, current_actor(), clock.today(), course_slugs=course_slugs,
                                   refresher_window_days=_refresher_window())


def sync_people(user_ids: Iterable[int] | None = None) -> SyncResult:
    """Bring assignments in line (for everyone, or only these people)."""
    return sync_assignments(db.session, clock.today(), actor=current_actor(),
                            refresher_window_days=_refresher_window(), user_ids=user_ids)


def _refresher_window() -> int:
    return int(current_app.config["REFRESHER_WINDOW_DAYS"])
