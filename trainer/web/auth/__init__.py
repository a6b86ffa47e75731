"""The auth blueprint: routes live in the modules imported at the bottom."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from trainer.web.auth import passwords, views  # noqa: E402, F401  (registers the routes)
