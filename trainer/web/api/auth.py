"""Bearer-token authentication for the API (used by access.api_scope)."""

from __future__ import annotations

from flask import g, request
from flask.typing import ResponseReturnValue

from trainer.audit import Actor
from trainer.extensions import db
from trainer.people.api_tokens import Verified, verify_token
from trainer.web.api.responses import api_error
from trainer.web.context import client_ip


def authenticate(scope: str) -> ResponseReturnValue | None:
    """None when the request carries a valid token with `scope`; else the refusal."""
    header = request.headers.get("Authorization", "")
    kind, _, plain = header.partition(" ")
    if kind.lower() != "bearer" or not plain.strip():
        return _unauthorized("Send a token in the header 'Authorization: Bearer <token>'.")
    verified = verify_token(db.session, plain)
    if isinstance(verified, str):
        db.session.rollback()
        return _unauthorized(verified)
    db.session.commit()  # last_used_at
    if not verified.allows(scope):
        return api_error(403, f"This token does not have the '{scope}' scope.")
    g.api_token = verified
    return None


def current_token() -> Verified:
    token: Verified = g.api_token
    return token


def api_actor() -> Actor:
    return Actor(label=current_token().actor_label, ip=client_ip())


def _unauthorized(message: str) -> ResponseReturnValue:
    body, status = api_error(401, message)
    return body, status, {"WWW-Authenticate": 'Bearer realm="trainer"'}
