"""The session cookie, verified once per process rather than on every request.

Flask's cookie session builds a new signing serializer and checks the cookie's signature
and parses its JSON on every request: about 8% of an employee page, for a cookie that
changes about once a minute (web/session.LAST_SEEN_STEP). This interface keeps, per process,
the contents of cookies it has already verified, keyed by the app's secret key and the
exact cookie text: the same bytes under the same key verify the same way, so a repeat is
answered from memory. The age limit is still applied on every request, from the signed
time that was verified. A changed cookie is different text and goes through the full check;
cookies holding anything mutable (flashed messages) are not kept.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

if TYPE_CHECKING:
    from flask import Flask, Request

# Cookies kept per process (a session's cookie changes about once a minute); emptied when full.
MAX_KEPT = 4096
_IMMUTABLE = (str, int, float, bool, bytes, type(None))


class VerifiedOnceSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, ...], URLSafeTimedSerializer] = {}
        # (keys, cookie text) -> (contents, signed at: whole seconds, as itsdangerous)
        self._verified: dict[tuple[Any, str], tuple[dict[str, Any], int]] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """One serializer per set of keys (Flask builds one per request and per save)."""
        if not app.secret_key:
            return None
        keys = _keys(app)
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            if serializer is not None:
                self._serializers[keys] = serializer
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (_keys(app), cookie)
        kept = self._verified.get(key)
        if kept is not None:
            contents, signed_at = kept
            # itsdangerous' own rule: expired when older than max_age (or from the future).
            if 0 <= int(time.time()) - signed_at <= max_age:
                return self.session_class(contents)  # a copy: views change their session
            self._verified.pop(key, None)
            return self.session_class()
        try:
            contents, signed = serializer.loads(cookie, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(contents, dict) and all(isinstance(v, _IMMUTABLE) for v in contents.values()):
            if len(self._verified) >= MAX_KEPT:
                self._verified.clear()
            self._verified[key] = (dict(contents), int(signed.timestamp()))
        return self.session_class(contents)


def _keys(app: Flask) -> tuple[Any, ...]:
    return (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
