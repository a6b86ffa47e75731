"""Error pages: a clear message, never a stack trace, even when the database is down."""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from trainer.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "Your account does not have access to this page."),
    404: ("Not found", "There is no such page, or it is not yours to see."),
    405: ("Not allowed", "This page does not accept that kind of request."),
    413: ("Too large", "The upload is larger than this server accepts."),
    429: ("Too many attempts", "Too many attempts in a short time."),
    500: ("Something went wrong", "An unexpected error happened. It has been logged."),
    503: ("Busy", "The database is busy. Please try again in a moment; nothing was saved."),
}


def init_errors(app: Flask) -> None:
    app.register_error_handler(CSRFError, handle_csrf)
    app.register_error_handler(HTTPException, handle_http)
    app.register_error_handler(OperationalError, handle_database_busy)
    app.register_error_handler(Exception, handle_unexpected)


def handle_csrf(error: CSRFError):
    return render_error(400, "Your form expired or was sent from elsewhere. Reload the page and try again.")


def handle_http(error: HTTPException):
    code = error.code or 500
    detail = None
    if code == 429:
        detail = _retry_message(error)
    elif code == 413:
        detail = f"The upload is larger than this server accepts ({_size(request.max_content_length or 0)})."
    response = make_response(render_error(code, detail))
    # Keep what the error says about itself: 405's Allow (RFC 9110 requires it), 401's
    # WWW-Authenticate; the page's own Content-Type stays.
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


# PostgreSQL's SQLSTATEs for "statement timeout" / "lock timeout": the database is busy.
BUSY_STATES = {"57014": "statement timeout", "55P03": "lock timeout"}
LOST_CONNECTION = "The connection to the database was lost. Please try again."


def handle_database_busy(error: OperationalError):
    """A statement or lock timeout: 503 "busy, try again", not a 500 and not a hung worker.
    So is a connection that died while in use (the database restarted): the pool has
    already dropped it and every other connection it held (trainer/pool_ping.py)."""
    if error.connection_invalidated:
        log.warning("database connection lost on %s %s", request.method, request.path)
        _rollback()
        response, code = render_error(503, LOST_CONNECTION, bare=True)
        return response, code, {"Retry-After": "1"}
    state = getattr(error.orig, "sqlstate", None)
    if state not in BUSY_STATES:
        return handle_unexpected(error)
    log.warning("database %s on %s %s", BUSY_STATES[state], request.method, request.path)
    _rollback()
    response, code = render_error(503, bare=True)  # the full page would query the busy database
    return response, code, {"Retry-After": "5"}


def handle_unexpected(error: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    _rollback()
    return render_error(500)


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:
        log.warning("rollback after error failed", exc_info=True)


def _size(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB" if limit >= 1024 * 1024 else f"{max(1, limit // 1024)} KB"


def _retry_message(error: HTTPException) -> str:
    from trainer.web.ratelimits import seconds_until_reset

    seconds = seconds_until_reset()
    if seconds <= 0:
        return "Too many attempts in a short time. Please wait a few minutes and try again."
    minutes = max(1, -(-seconds // 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many attempts in a short time. Try again in {minutes} {unit}."


def render_error(code: int, detail: str | None = None, *, bare: bool = False):
    title, message = MESSAGES.get(code, MESSAGES[500])
    message = detail or message
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        return jsonify(error=title, message=message), code
    if bare:  # no context processors: they would look up the signed-in user in the database
        page = current_app.jinja_env.get_template("errors/bare.html")
        return page.render(code=code, title=title, message=message), code
    try:
        return render_template("errors/error.html", code=code, title=title, message=message), code
    except Exception:
        log.exception("error page with navigation failed; using the bare one")
    try:
        return render_template("errors/bare.html", code=code, title=title, message=message), code
    except Exception:
        log.exception("bare error page failed to render")
        return f"{code} {title}: {message}", code, {"Content-Type": "text/plain; charset=utf-8"}
