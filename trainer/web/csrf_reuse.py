"""The CSRF token in pages' forms, signed at most once a minute per session.

Every signed-in page carries one (the header's sign-out form). Flask-WTF signs the session's
secret afresh for each request (an itsdangerous timed signature, about 7% of a module page);
a token signed a few seconds ago for the same session secret is just as valid. So templates'
`csrf_token()` hands out the one signed for this session's secret within the last
REUSE_SECONDS. Nothing about checking changes: Flask-WTF validates as before (the signature,
the session's secret, WTF_CSRF_TIME_LIMIT); a reused token has at most REUSE_SECONDS less of
that hour left. Tokens are kept per session secret (and app secret), so one session's token
is never handed to another.
"""

from __future__ import annotations

import time

from flask import current_app, g, session
from flask_wtf.csrf import generate_csrf

REUSE_SECONDS = 60
# Signed tokens kept per process (a few hundred bytes each); emptied when full.
MAX_KEPT = 4096

_signed: dict[tuple[str, str], tuple[str, float]] = {}


def csrf_token() -> str:
    """The CSRF token for this request's forms (templates' `csrf_token()`)."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"
    if field in g:  # already given out in this request (Flask-WTF keeps it there too)
        return str(g.get(field))
    secret = str(current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key)
    now = time.monotonic()
    raw = session.get(field)
    kept = _signed.get((secret, raw)) if isinstance(raw, str) else None
    if kept is not None and now - kept[1] < REUSE_SECONDS:
        setattr(g, field, kept[0])
        return kept[0]
    token = str(generate_csrf())  # Flask-WTF puts a secret in the session when it has none
    raw = session.get(field)
    if isinstance(raw, str):
        if len(_signed) >= MAX_KEPT:
            _signed.clear()
        _signed[(secret, raw)] = (token, now)
    return token
