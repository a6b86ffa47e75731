"""What both protocols share: settings, the sign-in buttons, finishing a sign-in, refusals."""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, flash, redirect, render_template, session, url_for
from werkzeug.wrappers import Response

from trainer.extensions import db
from trainer.identity import matching
from trainer.identity.claims import SignInRefused, VerifiedIdentity
from trainer.identity.policy import PasswordPolicy
from trainer.identity.settings import SignInSettings
from trainer.web import context
from trainer.web.admin.follow_up import sync_people
from trainer.web.context import client_ip, safe_next_url
from trainer.web.current import current_user
from trainer.web.session import start_session
from trainer.web.sso import bp

log = logging.getLogger(__name__)
NEXT_KEY = "sso_next"


def sign_in_settings() -> SignInSettings:
    """Parsed per use (cheap, no I/O): create_app has already refused bad values."""
    return SignInSettings.from_config(current_app.config)


@bp.app_template_global()
def sso_buttons(next_url: str | None = None) -> list[dict[str, Any]]:
    """"Sign in with …" links for the sign-in page, one per configured protocol."""
    settings = sign_in_settings()
    target = safe_next_url(next_url)
    buttons = []
    if settings.oidc is not None:
        buttons.append({"label": f"Sign in with {settings.oidc.display_name}",
                        "url": url_for("sso.oidc_start", next=target)})
    if settings.saml is not None:
        buttons.append({"label": f"Sign in with {settings.saml.display_name}",
                        "url": url_for("sso.saml_start", next=target)})
    return buttons


def not_configured() -> Response:
    """A stale bookmark or button after SSO was turned off: back to the sign-in page."""
    if current_user.is_authenticated:
        return redirect(url_for("learn.dashboard"))
    flash("Single sign-on is not set up here; sign in with your e-mail address and password.", "info")
    return redirect(url_for("auth.login"))


@bp.app_template_global()
def password_policy() -> PasswordPolicy:
    return context.password_policy()


def remember_next(next_url: str | None) -> None:
    session[NEXT_KEY] = safe_next_url(next_url)


def complete_sign_in(identity: VerifiedIdentity, settings: SignInSettings) -> Response | tuple[str, int]:
    """Find the person, commit, and start their session exactly as a password sign-in does."""
    try:
        result = matching.sign_in(db.session, identity, settings.matching, client_ip())
    except SignInRefused as refused:
        return refused_page(refused, identity.protocol, identity.email)
    if result.needs_sync:
        sync_people([result.user.id])
    db.session.commit()
    target = safe_next_url(session.get(NEXT_KEY))
    start_session(result.user)
    return redirect(target or url_for("learn.dashboard"))


def refused_page(refused: SignInRefused, protocol: str, email: str | None = None) -> tuple[str, int]:
    """Nothing of the attempt is kept but its audit event; the person sees why, plainly."""
    db.session.rollback()
    matching.record_refusal(db.session, protocol, refused.reason, client_ip(), email)
    db.session.commit()
    session.pop(NEXT_KEY, None)
    log.warning("%s sign-in refused: %s", protocol, refused.reason)
    return render_template("sso/refused.html", message=str(refused)), 400
