"""The admin blueprint: routes live in the modules imported at the bottom."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from trainer.web.admin import mail, requirements, views  # noqa: E402, F401  (registers the routes)
