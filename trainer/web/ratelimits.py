"""Keys and breach handling for Flask-Limiter's sign-in limits."""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import time

from flask import request
from flask_limiter import RequestLimit
from sqlalchemy import select

from trainer import audit, clock
from trainer.audit import Actor
from trainer.extensions import db
from trainer.models import AuditEvent

log = logging.getLogger(__name__)


def client_network() -> str:
    """Who is asking, for per-IP limits: the IPv4 address, or the IPv6 /64 (one subscriber
    gets a whole /64 and can rotate addresses in it freely)."""
    raw = request.remote_addr or ""
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _typed_account() -> str:
    # The keyed digest of the typed address, whether or not an account has it (Flask-Limiter
    # logs keys and keeps them in its storage: no plaintext address there).
    return audit.email_digest((request.form.get("email") or "")[:254])


def account_key() -> str:
    """Per-account limit from one client network: failures elsewhere (a stranger trying to
    lock the owner out) do not count against the owner's network."""
    return f"account:{_typed_account()}:from:{client_network()}"


def account_total_key() -> str:
    """The account-wide ceiling, over every network together."""
    return f"account:{_typed_account()}"


def signed_in_key() -> str:
    """Per-account limit for a signed-in person re-proving their password."""
    from trainer.web.current import current_user

    return f"user:{current_user.id}"


def password_change_breached(limit: RequestLimit) -> None:
    """A wrong current password too often: one auth.lockout event per window, on the account."""
    from trainer.web.current import signed_in_user

    user = signed_in_user()
    since = clock.now() - dt.timedelta(minutes=10)
    already = db.session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "auth.lockout", AuditEvent.target_type == "User",
        AuditEvent.target_id == str(user.id),
        AuditEvent.at >= since).limit(1))
    if already is None:
        audit.record(db.session, Actor.user(user.id, request.remote_addr), "auth.lockout", user,
                     limit=str(limit.limit), scope="password-change")
        db.session.commit()
    log.warning("password-change limit %s reached for user %s", limit.limit, user.id)


def login_breached(limit: RequestLimit) -> None:
    """Record a lockout in the audit trail, once per key and window (not per refused try)."""
    per_account = "account:" in limit.key
    scope = _typed_account() if per_account else "ip"
    since = clock.now() - dt.timedelta(minutes=10)
    recent = db.session.scalars(
        select(AuditEvent.details).where(
            AuditEvent.action == "auth.lockout",
            AuditEvent.ip == request.remote_addr,
            AuditEvent.at >= since,
        )
    ).all()
    if not any(details.get("scope") == scope for details in recent):
        audit.record(db.session, Actor.anonymous(request.remote_addr), "auth.lockout",
                     limit=str(limit.limit), scope=scope)
        db.session.commit()
    log.warning("sign-in limit %s reached (%s) from %s", limit.limit, scope, request.remote_addr)


def seconds_until_reset() -> int:
    """For the 429 page: how long until the limit that refused this request resets."""
    from trainer.extensions import limiter

    current = limiter.current_limit
    if current is None:
        return 0
    # The limiter counts in real time, not in trainer.clock's (possibly frozen) time.
    return max(0, int(current.reset_at - time.time()))
