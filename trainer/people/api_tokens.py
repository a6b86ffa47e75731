"""Bearer tokens for HR systems calling /api/v1 and identity providers calling /scim/v2.

A token is shown once, when it is created; only its sha256 is stored, with a short prefix
so that lists can tell tokens apart. Scopes: "read" (lists, status, changes), "sync"
(employees sync) and "scim" (provisioning by an identity provider; only for tokens that see
everyone). A token may have an owner: it then sees only what that person may see
(an HR user's departments) and stops working when they lose the HR or admin role or leave.
A token without an owner (created from the command line) sees every department.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer import audit, clock
from trainer.audit import Actor
from trainer.models import API_SCOPES, ApiToken, User
from trainer.people.scope import visible_department_ids
from trainer.security import hash_token

# Marks Trainer tokens, so secret scanners and people can recognise a leaked one.
TOKEN_PREFIX = "trn_"  # noqa: S105 (not a secret)
PREFIX_LENGTH = 12
# last_used_at is written at most this often, so reads do not write on every call.
TOUCH_EVERY = dt.timedelta(minutes=1)


class TokenError(ValueError):
    """The token cannot be created or changed as asked; the message says why."""


@dataclasses.dataclass(frozen=True)
class NewToken:
    token: ApiToken
    plain: str  # shown once, never stored


@dataclasses.dataclass(frozen=True)
class Verified:
    """A valid token, and the departments it may see (None: every department)."""

    token: ApiToken
    scope: frozenset[int] | None

    def allows(self, scope: str) -> bool:
        return scope in (self.token.scopes or [])

    @property
    def actor_label(self) -> str:
        return f"api-token:{self.token.prefix}"


def create_token(
    session: Session, actor: Actor, *, name: str, scopes: list[str],
    expires_in_days: int | None = 90, owner: User | None = None,
) -> NewToken:
    """Create a token; the plain text is returned once and cannot be recovered."""
    name = " ".join(name.split())
    if not name:
        raise TokenError("Give the token a name that says who uses it.")
    unknown = sorted(set(scopes) - set(API_SCOPES))
    if unknown or not scopes:
        raise TokenError(f"Scopes are {', '.join(API_SCOPES)}; got {', '.join(unknown) or 'none'}.")
    if expires_in_days is not None and expires_in_days < 1:
        raise TokenError("A token must live at least one day (or never expire).")
    if owner is not None and not (owner.is_hr or owner.is_admin):
        raise TokenError(f"{owner.email} is neither HR nor an administrator.")
    if "scim" in scopes and owner is not None and not owner.is_admin:
        raise TokenError("Only an administrator's token may have the scim scope: SCIM changes everyone.")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken(
        name=name, prefix=plain[:PREFIX_LENGTH], token_hash=hash_token(plain),
        scopes=sorted(set(scopes)), created_by_id=owner.id if owner else actor.user_id,
        created_at=now, expires_at=now + dt.timedelta(days=expires_in_days) if expires_in_days else None,
    )
    session.add(token)
    session.flush()
    audit.record(session, actor, "api_token.created", token, name=name, scopes=token.scopes,
                 expires_at=token.expires_at.isoformat() if token.expires_at else None)
    return NewToken(token, plain)


def revoke_token(session: Session, actor: Actor, token_id: int) -> ApiToken:
    """Revoke a token for good (revoking twice changes nothing)."""
    token = session.get(ApiToken, token_id)
    if token is None:
        raise TokenError(f"There is no API token {token_id}.")
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        session.flush()
        audit.record(session, actor, "api_token.revoked", token, name=token.name)
    return token


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def verify_token(session: Session, plain: str) -> Verified | str:
    """The token and what it may see, or why it is refused (a message for the caller)."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(plain.strip())))
    now = clock.now()
    if token is None:
        return "The token is not valid."
    if token.revoked_at is not None:
        return "The token has been revoked."
    if token.expires_at is not None and token.expires_at <= now:
        return "The token has expired."
    scope = None
    if token.created_by_id is not None:
        owner = session.get(User, token.created_by_id)
        if owner is None or not owner.active or not (owner.is_hr or owner.is_admin):
            return "The token's owner no longer has access."
        ids = visible_department_ids(session, owner)
        scope = frozenset(ids) if ids is not None else None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        token.last_used_at = now
        session.flush()
    return Verified(token, scope)
