"""Sign-in sessions: loading the user, absolute lifetime, idle timeout, deny by default."""

from __future__ import annotations

import datetime as dt
import logging

from flask import Flask, abort, current_app, flash, g, redirect, request, session, url_for
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import lazyload

from trainer import clock
from trainer.extensions import db, login_manager
from trainer.models import User
from trainer.notify.inbox import unread_count_of
from trainer.web.access import declared_access
from trainer.web.current import current_user

log = logging.getLogger(__name__)
# Seconds between updates of the session's last_seen (see expire_idle_session).
LAST_SEEN_STEP = 60


def init_sessions(app: Flask) -> None:
    app.permanent_session_lifetime = dt.timedelta(hours=int(app.config["SESSION_LIFETIME_HOURS"]))
    # Flask would re-sign and send a permanent session's cookie on every response; it is
    # sent when the session changes instead (at least once a LAST_SEEN_STEP while in use).
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    app.before_request(enforce_declared_access)
    app.before_request(expire_idle_session)


# Built once (every signed-in request): building and keying a statement costs more than
# SQLite takes to answer it. No page reads the signed-in user's department, so it is not
# joined; the header's count of unread notices comes with the user instead of in a query
# of its own (see trainer.web.templating).
_USER_BY_ID = (select(User, unread_count_of(User.id))
               .where(User.id == bindparam("user_id")).options(lazyload(User.department)))


def load_user(user_id: str) -> User | None:
    """Sessions carry "id:version"; a bumped version (password change) ends old sessions."""
    try:
        raw_id, raw_version = user_id.split(":")
        row = db.session.execute(_USER_BY_ID, {"user_id": int(raw_id)}).one_or_none()
    except (ValueError, TypeError):
        return None
    if row is None or not row.User.active or row.User.session_version != int(raw_version):
        return None
    g.unread_notices = row[1]
    return row.User


def start_session(user: User) -> None:
    """The one way a sign-in becomes a session, whatever proved who it is (password, OIDC,
    SAML): a fresh session (nothing carried over from before), the absolute lifetime and the
    idle clock started. The sign-in itself is audited by whoever verified it."""
    session.clear()
    login_user(user)
    session.permanent = True
    session["last_seen"] = clock.now().timestamp()


def enforce_declared_access() -> None:
    """Refuse endpoints that declare no access rule: a forgotten decorator fails closed."""
    if request.endpoint is None or request.endpoint == "static":
        return
    view = current_app.view_functions.get(request.endpoint)
    if view is None or declared_access(view) is None:
        log.error("endpoint %s declares no access rule; refused", request.endpoint)
        abort(403)


def expire_idle_session():
    """Sign out after SESSION_IDLE_MINUTES without a request.

    `last_seen` moves on at most once a LAST_SEEN_STEP: every change re-signs the cookie
    and sends it again, which on every request would cost more than the page. So the idle
    clock is exact to within that step (a minute against an hour's limit).
    """
    if not current_user.is_authenticated or request.endpoint == "static":
        return None
    now = clock.now().timestamp()
    idle_limit = int(current_app.config["SESSION_IDLE_MINUTES"]) * 60
    last_seen = session.get("last_seen", now)
    if now - last_seen > idle_limit:
        logout_user()
        session.clear()
        flash("You were signed out after a period of inactivity.", "info")
        return redirect(url_for("auth.login", next=request.full_path))
    if "last_seen" not in session or now - last_seen >= LAST_SEEN_STEP:
        session["last_seen"] = now
    return None
