"""Looking people up by id for display: records name people by id only."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer.models import User


def names_of(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    """{user id: name} for the given ids (a pseudonymised person's name is their pseudonym)."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return dict(session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
