"""OpenID Connect: /sso/oidc/start sends the browser to the provider, /sso/oidc/callback
takes it back. The redirect URI registered at the provider is BASE_URL/sso/oidc/callback."""

from __future__ import annotations

from flask import current_app, redirect, request, session, url_for
from werkzeug.wrappers import Response

from trainer.extensions import db, limiter
from trainer.identity.claims import SignInRefused
from trainer.identity.oidc import OidcClient, PendingSignIn
from trainer.identity.settings import OidcSettings
from trainer.web.access import public
from trainer.web.current import current_user
from trainer.web.sso import bp
from trainer.web.sso.views import (
    complete_sign_in,
    not_configured,
    refused_page,
    remember_next,
    sign_in_settings,
)

PENDING_KEY = "oidc_pending"


def client_for(settings: OidcSettings) -> OidcClient:
    redirect_uri = str(current_app.config["BASE_URL"]).rstrip("/") + url_for("sso.oidc_callback")
    return OidcClient(settings, redirect_uri)


@bp.route("/oidc/start")
@public
def oidc_start() -> Response | tuple[str, int]:
    settings = sign_in_settings().oidc
    if current_user.is_authenticated:
        return redirect(url_for("learn.dashboard"))
    if settings is None:
        return not_configured()
    client = client_for(settings)
    try:
        url, pending = client.start()
    except SignInRefused as refused:
        return refused_page(refused, "oidc")
    session[PENDING_KEY] = pending.as_dict()
    remember_next(request.args.get("next"))
    return redirect(url)


@bp.route("/oidc/callback")
@public
# Like the password form, only refusals count against the limit: a whole office signing in
# from one address at nine must not lock itself out.
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], scope="sso-ip",
               deduct_when=lambda response: response.status_code != 302)
def oidc_callback() -> Response | tuple[str, int]:
    settings = sign_in_settings()
    if current_user.is_authenticated:  # a second click on the way back, say
        return redirect(url_for("learn.dashboard"))
    if settings.oidc is None:
        return not_configured()
    client = client_for(settings.oidc)
    pending = PendingSignIn.from_dict(session.pop(PENDING_KEY, None))
    try:
        identity = client.finish(db.session, request.args, pending, settings.matching.clock_skew_seconds)
    except SignInRefused as refused:
        return refused_page(refused, "oidc")
    return complete_sign_in(identity, settings)
