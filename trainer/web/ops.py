"""Operations endpoints: liveness, readiness, and request ids for the logs."""

from __future__ import annotations

import logging
import re
import uuid

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from trainer.extensions import db
from trainer.web.access import public

log = logging.getLogger(__name__)
bp = Blueprint("ops", __name__)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def init_ops(app: Flask) -> None:
    app.register_blueprint(bp)
    app.before_request(assign_request_id)
    app.after_request(echo_request_id)


def assign_request_id() -> None:
    """Keep the proxy's X-Request-ID when it is sane, else make one."""
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex


def echo_request_id(response: Response) -> Response:
    response.headers["X-Request-ID"] = getattr(g, "request_id", "")
    return response


@bp.route("/healthz")
@public
def healthz():
    """The process is up and answering."""
    return jsonify(status="ok")


@bp.route("/readyz")
@public
def readyz():
    """Ready for traffic: the database answers and its schema is at the migrations' head."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError:
        log.exception("readiness check: database unreachable")
        return jsonify(status="not ready", reason="database unreachable"), 503
    head = ScriptDirectory(current_app.extensions["migrate"].directory).get_current_head()
    if current != head:
        return jsonify(status="not ready", reason="database migrations pending"), 503
    return jsonify(status="ready")
