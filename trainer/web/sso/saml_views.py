"""SAML 2.0: metadata for the IdP, /sso/saml/start (AuthnRequest by redirect) and the
assertion consumer service the IdP POSTs to.

The IdP's POST is a cross-site request, so the session cookie (SameSite=Lax) does not come
with it. The request id this browser started therefore travels in a cookie of its own,
signed and short-lived, SameSite=None (Secure) over HTTPS; that binds the answer to the
browser that asked, which is what the InResponseTo check is for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Response as FlaskResponse
from flask import current_app, redirect, request, session, url_for
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from trainer.extensions import csrf, db, limiter
from trainer.identity.claims import SignInRefused
from trainer.identity.settings import SignInSettings
from trainer.web.access import public
from trainer.web.current import current_user
from trainer.web.sso import bp
from trainer.web.sso.views import (
    NEXT_KEY,
    complete_sign_in,
    not_configured,
    refused_page,
    sign_in_settings,
)

if TYPE_CHECKING:
    from trainer.identity.saml import SamlServiceProvider

REQUEST_COOKIE = "trainer_saml_request"
REQUEST_MAX_AGE = 600  # seconds a person may spend at the IdP


def service_provider(settings: SignInSettings) -> SamlServiceProvider | None:
    if settings.saml is None:
        return None
    # Imported here, not at the top: pysaml2 loads XML schemas at import (seconds of CPU), which
    # every worker would pay at start-up even where SAML is not configured.
    from trainer.identity.saml import SamlServiceProvider

    return SamlServiceProvider(settings.saml, str(current_app.config["BASE_URL"]),
                               settings.matching.clock_skew_seconds)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt="trainer-saml-request")


@bp.route("/saml/metadata")
@public
def saml_metadata() -> Response | tuple[str, int]:
    """The stable URL an IdP imports: entity id, assertion consumer service, our certificate."""
    provider = service_provider(sign_in_settings())
    if provider is None:
        return not_configured()
    try:
        xml = provider.metadata_xml()
    except SignInRefused as refused:
        return refused_page(refused, "saml")
    return FlaskResponse(xml, mimetype="application/samlmetadata+xml")


@bp.route("/saml/start")
@public
def saml_start() -> Response | tuple[str, int]:
    provider = service_provider(sign_in_settings())
    if current_user.is_authenticated:
        return redirect(url_for("learn.dashboard"))
    if provider is None:
        return not_configured()
    try:
        location, request_id = provider.start()
    except SignInRefused as refused:
        return refused_page(refused, "saml")
    response = redirect(location)
    secure = str(current_app.config["BASE_URL"]).startswith("https://")
    started = _serializer().dumps({"id": request_id, "next": request.args.get("next")})
    response.set_cookie(REQUEST_COOKIE, started, max_age=REQUEST_MAX_AGE, path=url_for("sso.saml_acs"),
                        httponly=True, secure=secure, samesite="None" if secure else "Lax")
    return response


@bp.route("/saml/acs", methods=["POST"])
@public
@csrf.exempt  # the IdP posts here; the signed assertion and InResponseTo are the protection
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], scope="sso-ip",
               deduct_when=lambda response: response.status_code != 302)
def saml_acs() -> Response | tuple[str, int]:
    settings = sign_in_settings()
    provider = service_provider(settings)
    if current_user.is_authenticated:
        return redirect(url_for("learn.dashboard"))
    if provider is None:
        return not_configured()
    started = _started_request()
    response: Response | tuple[str, int]
    try:
        identity = provider.finish(db.session, request.form.get("SAMLResponse", ""),
                                   started.get("id") if started else None)
    except SignInRefused as refused:
        response = refused_page(refused, "saml")
    else:
        # SP-initiated: where the person was going; IdP-initiated: the IdP's RelayState.
        session[NEXT_KEY] = (started or {}).get("next") or request.form.get("RelayState")
        response = complete_sign_in(identity, settings)
    return _forget_request(response)


def _started_request() -> dict[str, Any] | None:
    raw = request.cookies.get(REQUEST_COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=REQUEST_MAX_AGE)
    except BadData:
        return None
    return data if isinstance(data, dict) else None


def _forget_request(response: Response | tuple[str, int]) -> Response | tuple[str, int]:
    target = response if isinstance(response, Response) else current_app.make_response(response)
    target.delete_cookie(REQUEST_COOKIE, path=url_for("sso.saml_acs"))
    return target
