"""The admin blueprint: routes live in the modules imported at the bottom."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from trainer.web.admin import (  # noqa: E402, F401  (registers the routes)
    audit_log,
    course_archive,
    courses,
    mail,
    module_history,
    modules,
    regulation_updates,
    requirements,
    reviews,
    tokens,
    users,
    views,
)
