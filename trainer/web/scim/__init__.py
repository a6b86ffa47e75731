"""SCIM 2.0 for identity providers, under /scim/v2: bearer tokens with the scim scope.

Exempt from CSRF protection: it authenticates with bearer tokens only, never cookies.
"""

from flask import Blueprint

bp = Blueprint("scim", __name__, url_prefix="/scim/v2")

from trainer.web.scim import views  # noqa: E402, F401  (registers the routes)
