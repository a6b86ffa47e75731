"""Secrets shown once, on the page after the POST that made them (POST-redirect-GET).

A new calendar-feed address or API token must survive one redirect, and no more. The POST
keeps it split in two halves: the database row holds the secret XOR a random pad of its
length, the session cookie (signed, not encrypted) holds the pad. Either half alone tells
nothing. The GET deletes the row and joins the halves, so a refresh, a second tab or a
replayed cookie finds nothing. A row not shown within SHOW_WITHIN is not shown at all, and
is deleted when the next secret is kept.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import secrets

from sqlalchemy import delete
from sqlalchemy.orm import Session

from trainer.models import OneTimeSecret

SHOW_WITHIN = dt.timedelta(minutes=10)


@dataclasses.dataclass(frozen=True)
class Held:
    """The half that goes into the session cookie."""

    row_id: int
    pad: str  # URL-safe base64


def keep(session: Session, user_id: int, purpose: str, secret: str, now: dt.datetime) -> Held:
    """Keep `secret` for one display; a secret of the same purpose kept before is dropped."""
    data = secret.encode()
    pad = secrets.token_bytes(len(data))
    session.execute(delete(OneTimeSecret).where(
        (OneTimeSecret.created_at < now - SHOW_WITHIN)
        | ((OneTimeSecret.user_id == user_id) & (OneTimeSecret.purpose == purpose))))
    row = OneTimeSecret(user_id=user_id, purpose=purpose, masked=_xor(data, pad), created_at=now)
    session.add(row)
    session.flush()
    return Held(row.id, base64.urlsafe_b64encode(pad).decode())


def take(session: Session, user_id: int, purpose: str, held: Held, now: dt.datetime) -> str | None:
    """The secret, once: its row is deleted. None when already shown, too old or not theirs."""
    masked = session.scalar(
        delete(OneTimeSecret)
        .where(OneTimeSecret.id == held.row_id, OneTimeSecret.user_id == user_id,
               OneTimeSecret.purpose == purpose, OneTimeSecret.created_at >= now - SHOW_WITHIN)
        .returning(OneTimeSecret.masked),
        execution_options={"synchronize_session": False},
    )
    try:
        pad = base64.urlsafe_b64decode(held.pad.encode())
    except (binascii.Error, ValueError):
        return None
    if masked is None or len(pad) != len(masked):
        return None
    try:
        return _xor(masked, pad).decode()
    except UnicodeDecodeError:
        return None


def _xor(data: bytes, pad: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, pad, strict=True))
