"""The learn blueprint: routes live in the modules imported at the bottom."""

from flask import Blueprint

bp = Blueprint("learn", __name__)

from trainer.web.learn import (  # noqa: E402, F401  (registers the routes)
    courses,
    my_data,
    notifications,
    quizzes,
    records,
    team,
    views,
)
