"""The public blueprint: routes live in the modules imported at the bottom."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from trainer.web.public import feeds, verify, views  # noqa: E402, F401  (registers the routes)
