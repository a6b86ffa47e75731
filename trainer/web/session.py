"""Sign-in sessions: loading the user, absolute lifetime, idle timeout, deny by default."""

from __future__ import annotations

import datetime as dt
import logging

from flask import Flask, abort, current_app, flash, g, redirect, request, session, url_for
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, exists, select, true

from trainer import clock
from trainer.extensions import db, login_manager
from trainer.models import User
from trainer.notify.inbox import unread_count_of
from trainer.people.signed_in import SignedIn
from trainer.reads import outside_transaction
from trainer.web.access import declared_access
from trainer.web.current import current_user
from trainer.web.session_cookie import VerifiedOnceSessionInterface

log = logging.getLogger(__name__)
# Seconds between updates of the session's last_seen (see enforce_session_limits).
LAST_SEEN_STEP = 60


def init_sessions(app: Flask) -> None:
    app.permanent_session_lifetime = dt.timedelta(hours=int(app.config["SESSION_LIFETIME_HOURS"]))
    # Flask would re-sign and send a permanent session's cookie on every response; it is
    # sent when the session changes instead (at least once a LAST_SEEN_STEP while in use).
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    app.session_interface = VerifiedOnceSessionInterface()  # a repeat cookie is not re-verified
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    app.before_request(enforce_declared_access)
    app.before_request(enforce_session_limits)


# Built once (every signed-in request): building and keying a statement costs more than
# SQLite takes to answer it. The few columns pages read of the signed-in person, as plain
# columns (an ORM User row cost more than some pages); the header's count of unread
# notices and whether anyone reports to them come with it instead of in queries of their
# own (see trainer.web.templating).
_users = User.__table__
_reports = _users.alias("report")
_SIGNED_IN = (
    select(_users.c.id, _users.c.name, _users.c.session_version, _users.c.is_hr,
           _users.c.hr_all_departments, _users.c.is_admin, _users.c.is_auditor, _users.c.auditor_until,
           _users.c.active, unread_count_of(_users.c.id),
           exists().where(_reports.c.manager_id == _users.c.id, _reports.c.active == true()))
    .where(_users.c.id == bindparam("user_id"))
)
_SIGNED_IN = outside_transaction(_SIGNED_IN)  # PostgreSQL: before any BEGIN (trainer/reads.py)


def load_user(user_id: str) -> SignedIn | None:
    """Sessions carry "id:version"; a bumped version (password change, deactivation) ends
    old sessions, and an inactive person has none."""
    try:
        raw_id, raw_version = user_id.split(":")
        row = db.session.connection().execute(_SIGNED_IN, {"user_id": int(raw_id)}).one_or_none()
    except (ValueError, TypeError):
        return None
    if row is None or not row.active or row.session_version != int(raw_version):
        return None
    g.unread_notices = row[9]
    g.is_manager = bool(row[10])  # the header's "My team", asked with the user
    return SignedIn(*row[:8])


def start_session(user: User) -> None:
    """The one way a sign-in becomes a session, whatever proved who it is (password, OIDC,
    SAML): a fresh session (nothing carried over from before), the absolute lifetime and the
    idle clock started. The sign-in itself is audited by whoever verified it."""
    session.clear()
    login_user(user)
    session.permanent = True
    now = clock.now().timestamp()
    # signed_in_at is written here only and never renewed: it is the absolute lifetime.
    session["signed_in_at"] = now
    session["last_seen"] = now


def enforce_declared_access() -> None:
    """Refuse endpoints that declare no access rule: a forgotten decorator fails closed."""
    if request.endpoint is None or request.endpoint == "static":
        return
    view = current_app.view_functions.get(request.endpoint)
    if view is None or declared_access(view) is None:
        log.error("endpoint %s declares no access rule; refused", request.endpoint)
        abort(403)


def enforce_session_limits():
    """Sign out after SESSION_LIFETIME_HOURS since sign-in, or SESSION_IDLE_MINUTES idle.

    The absolute lifetime counts from `signed_in_at`, set by start_session and never
    renewed, so re-signing the cookie does not stretch it; a session without it (made
    before sign-in times were kept) has ended. `last_seen` moves on at most once a
    LAST_SEEN_STEP: every change re-signs the cookie and sends it again, which on every
    request would cost more than the page. So the idle clock is exact to within that step
    (a minute against an hour's limit).
    """
    if not current_user.is_authenticated or request.endpoint == "static":
        return None
    now = clock.now().timestamp()
    lifetime = int(current_app.config["SESSION_LIFETIME_HOURS"]) * 3600
    idle_limit = int(current_app.config["SESSION_IDLE_MINUTES"]) * 60
    signed_in_at = session.get("signed_in_at")
    last_seen = session.get("last_seen", now)
    if not isinstance(signed_in_at, int | float) or now - signed_in_at > lifetime:
        return _signed_out("Your session has ended (sessions last "
                           f"{current_app.config['SESSION_LIFETIME_HOURS']} hours). Please sign in again.")
    if now - last_seen > idle_limit:
        return _signed_out("You were signed out after a period of inactivity.")
    if "last_seen" not in session or now - last_seen >= LAST_SEEN_STEP:
        session["last_seen"] = now
    return None


def _signed_out(message: str):
    logout_user()
    session.clear()
    flash(message, "info")
    return redirect(url_for("auth.login", next=request.full_path))
