"""Sign-in through the organisation's identity provider: OIDC and SAML routes, thin over
trainer/identity/. Every route answers 404 while its protocol is not configured."""

from flask import Blueprint

bp = Blueprint("sso", __name__, url_prefix="/sso")

from trainer.web.sso import oidc_views, saml_views, views  # noqa: E402, F401  (registers the routes)
