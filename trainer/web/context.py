"""Request helpers shared by the blueprints: who is acting, from where, going where."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request

from trainer.audit import Actor
from trainer.identity.policy import PasswordPolicy
from trainer.web.current import current_user


def client_ip() -> str | None:
    # With TRAINER_PROXY_COUNT set, ProxyFix has already put the client's address here.
    return request.remote_addr


def current_actor() -> Actor:
    if current_user.is_authenticated:
        return Actor.user(current_user.id, client_ip())
    return Actor.anonymous(client_ip())


def safe_next_url(target: str | None) -> str | None:
    """Only paths on this site: no scheme, no host, no '//' or backslash tricks."""
    if not target:
        return None
    target = target.strip()
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def password_policy() -> PasswordPolicy:
    """Who may use a password here (TRAINER_PASSWORD_SIGN_IN, TRAINER_BREAK_GLASS_ADMINS)."""
    return PasswordPolicy.from_config(current_app.config)
