"""Operations endpoints: liveness, readiness, and request ids for the logs."""

from __future__ import annotations

import logging
import os
import re

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from sqlalchemy import Connection, literal, select, text
from sqlalchemy.exc import SQLAlchemyError

from trainer.extensions import db
from trainer.web.access import public

log = logging.getLogger(__name__)
bp = Blueprint("ops", __name__)
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")  # used with fullmatch: no trailing newline
READY_WITHIN = 1.0  # seconds each statement of the readiness probe may wait or run
SQLITE_BUSY_MS = 30_000  # the engine's busy timeout (config._engine_options)


def init_ops(app: Flask) -> None:
    app.register_blueprint(bp)
    app.before_request(assign_request_id)
    app.after_request(echo_request_id)


def assign_request_id() -> None:
    """Keep the proxy's X-Request-ID when it is sane, else make one: 32 random hex digits, as
    a uuid4's hex (without building the UUID, which took five times as long)."""
    incoming = request.headers.get("X-Request-ID")
    g.request_id = incoming if incoming and _REQUEST_ID.fullmatch(incoming) else os.urandom(16).hex()


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
    """Ready for traffic: the database answers at once (every table can be read within
    READY_WITHIN) and its schema is at the migrations' head."""
    head = ScriptDirectory(current_app.extensions["migrate"].directory).get_current_head()
    try:
        with db.engine.connect() as connection:
            current = _probe(connection, head)
    except SQLAlchemyError as error:
        if _timed_out(error):
            log.warning("readiness check: the database did not answer within %s s", READY_WITHIN)
            return jsonify(status="not ready", reason=f"database slower than {READY_WITHIN:g} s"), 503
        log.exception("readiness check: database unreachable")
        return jsonify(status="not ready", reason="database unreachable"), 503
    if current != head:
        return jsonify(status="not ready", reason="database migrations pending"), 503
    return jsonify(status="ready")


def _probe(connection: Connection, head: str | None) -> str | None:
    """The schema's revision; at the head, also read one row of every table, giving up after
    READY_WITHIN: a table locked by a long migration or a stuck transaction would hang the
    requests that need it."""
    limit = int(READY_WITHIN * 1000)
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {limit}")
    else:
        connection.execute(text(f"SET LOCAL statement_timeout = {limit}"))
        connection.execute(text(f"SET LOCAL lock_timeout = {limit}"))
    try:
        connection.execute(text("SELECT 1"))
        current = MigrationContext.configure(connection).get_current_revision()
        if current == head:
            for table in db.metadata.sorted_tables:
                connection.execute(select(literal(1)).select_from(table).limit(1))
        return current
    finally:
        if sqlite:  # back to the engine's setting before the connection returns to the pool
            connection.exec_driver_sql(f"PRAGMA busy_timeout = {SQLITE_BUSY_MS}")
        else:
            connection.rollback()


def _timed_out(error: SQLAlchemyError) -> bool:
    orig = getattr(error, "orig", None)
    return getattr(orig, "sqlstate", None) in ("57014", "55P03") or "database is locked" in str(orig)
