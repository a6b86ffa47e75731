"""The JSON API for HR systems, under /api/v1: bearer tokens, cursor pagination, JSON errors.

Routes live in the modules imported at the bottom. The blueprint is exempt from CSRF
protection because it authenticates with bearer tokens only, never with cookies.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from trainer.web.api import acknowledgements, changes, completion, employees  # noqa: E402, F401  (registers the routes)
from trainer.web.api.responses import BadRequest, api_error  # noqa: E402


@bp.errorhandler(BadRequest)
def bad_request(error: BadRequest):
    return api_error(400, str(error))
