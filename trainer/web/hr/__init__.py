"""The hr blueprint: routes live in the modules imported at the bottom."""

from flask import Blueprint

bp = Blueprint("hr", __name__, url_prefix="/hr")

from trainer.web.hr import (  # noqa: E402, F401  (registers the routes)
    acknowledgements,
    dashboard,
    employees,
    exports,
    imports,
    invitations,
    lists,
)
