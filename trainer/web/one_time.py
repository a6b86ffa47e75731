"""The session's half of a secret shown once (trainer/one_time.py has the other and the why).

`keep_for_next_page` in the POST, which then redirects; `take_for_this_page` in the GET.
"""

from __future__ import annotations

from flask import session

from trainer import clock, one_time
from trainer.extensions import db
from trainer.web.current import current_user

SESSION_KEY = "shown_once"


def keep_for_next_page(purpose: str, secret: str) -> None:
    """Keep `secret` for the page the POST redirects to; the caller commits."""
    held = one_time.keep(db.session, current_user.id, purpose, secret, clock.now())
    waiting = dict(session.get(SESSION_KEY) or {})
    waiting[purpose] = [held.row_id, held.pad]
    session[SESSION_KEY] = waiting


def take_for_this_page(purpose: str) -> str | None:
    """The secret kept for this page, or None; never again after this call."""
    waiting = dict(session.get(SESSION_KEY) or {})
    entry = waiting.pop(purpose, None)
    if entry is None:
        return None
    if waiting:
        session[SESSION_KEY] = waiting
    else:
        session.pop(SESSION_KEY)
    try:
        held = one_time.Held(int(entry[0]), str(entry[1]))
    except (TypeError, ValueError, IndexError):
        return None
    secret = one_time.take(db.session, current_user.id, purpose, held, clock.now())
    db.session.commit()
    return secret
