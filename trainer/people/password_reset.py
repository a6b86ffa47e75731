"""Password reset by e-mailed, single-use links that expire after an hour (invitations
use the same links with a longer life, see identity/invitations.py).

Only a hash of the token is stored, so the link cannot be rebuilt from the database; a
new request replaces any earlier unused link. Whether an address has an account is never
revealed to the person asking.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from trainer import audit, clock
from trainer.audit import Actor
from trainer.identity.policy import TURNED_OFF, PasswordPolicy
from trainer.models import PasswordResetToken, User
from trainer.people.accounts import AccountError, find_by_email, set_password
from trainer.security import hash_token, new_token

VALID_FOR = dt.timedelta(hours=1)


class ResetLinkError(ValueError):
    """The link is unknown, used or expired; the message says what to do."""


@dataclasses.dataclass(frozen=True)
class ResetRequest:
    """What to e-mail: to whom, and the secret for the link (never stored)."""

    user_id: int
    email: str
    name: str
    token: str


def request_reset(session: Session, actor: Actor, email: str,
                  policy: PasswordPolicy | None = None) -> ResetRequest | None:
    """A new reset link for an active account with this address that may use a password
    (the password sign-in policy), else None (say nothing)."""
    user = find_by_email(session, email)
    if user is None or not user.active or (policy is not None and not policy.allows(user)):
        return None
    token = issue_link(session, user, "reset", VALID_FOR)
    audit.record(session, actor, "user.password_reset_requested", user)
    return ResetRequest(user.id, user.email, user.name, token)


def issue_link(session: Session, user: User, purpose: str, valid_for: dt.timedelta) -> str:
    """A new single-use set-password link secret for `user` (a reset or an invitation);
    any earlier unused link of the person stops working. Only its hash is stored."""
    now = clock.now()
    session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    token = new_token()
    session.add(PasswordResetToken(user_id=user.id, token_hash=hash_token(token), purpose=purpose,
                                   created_at=now, expires_at=now + valid_for))
    session.flush()
    return token


def user_for_token(session: Session, token: str, policy: PasswordPolicy | None = None) -> User:
    """The account a still-valid link belongs to; ResetLinkError otherwise (also when
    password sign-in was turned off for the account after the link went out)."""
    row = _token_row(session, token)
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise ResetLinkError("This link is no longer valid. Ask for a new one.")
    if policy is not None and not policy.allows(user):
        raise ResetLinkError(TURNED_OFF)
    return user


def reset_password(session: Session, actor: Actor, token: str, password: str,
                   policy: PasswordPolicy | None = None) -> User:
    """Set the new password, use up the link and end every session of the account."""
    row = _token_row(session, token)
    user = user_for_token(session, token, policy)
    try:
        set_password(session, actor, user, password)
    except AccountError:
        raise  # the link stays valid so the person can try a better password
    row.used_at = clock.now()
    session.flush()
    return user


def _token_row(session: Session, token: str) -> PasswordResetToken:
    row = session.scalar(select(PasswordResetToken).where(
        PasswordResetToken.token_hash == hash_token(token)))
    if row is None or row.used_at is not None:
        raise ResetLinkError("This link has already been used or is not valid. Ask for a new one.")
    if clock.now() > row.expires_at:
        if row.purpose == "invitation":
            raise ResetLinkError("This invitation has expired. Choose a password with \"Forgotten "
                                 "your password?\" on the sign-in page, or ask HR to invite you again.")
        raise ResetLinkError("This link has expired (links work for an hour). Ask for a new one.")
    return row
