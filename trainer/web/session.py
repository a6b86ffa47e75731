"""Sign-in sessions: loading the user, absolute lifetime, idle timeout, deny by default."""

from __future__ import annotations

import datetime as dt
import logging

from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from trainer import clock
from trainer.extensions import db, login_manager
from trainer.models import User
from trainer.web.access import declared_access

log = logging.getLogger(__name__)


def init_sessions(app: Flask) -> None:
    app.permanent_session_lifetime = dt.timedelta(hours=int(app.config["SESSION_LIFETIME_HOURS"]))
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    app.before_request(enforce_declared_access)
    app.before_request(expire_idle_session)


def load_user(user_id: str) -> User | None:
    """Sessions carry "id:version"; a bumped version (password change) ends old sessions."""
    try:
        raw_id, raw_version = user_id.split(":")
        user = db.session.get(User, int(raw_id))
    except (ValueError, TypeError):
        return None
    if user is None or not user.active or user.session_version != int(raw_version):
        return None
    return user


def enforce_declared_access() -> None:
    """Refuse endpoints that declare no access rule: a forgotten decorator fails closed."""
    if request.endpoint is None or request.endpoint == "static":
        return
    view = current_app.view_functions.get(request.endpoint)
    if view is None or declared_access(view) is None:
        log.error("endpoint %s declares no access rule; refused", request.endpoint)
        abort(403)


def expire_idle_session():  # type: ignore[no-untyped-def]
    """Sign out after SESSION_IDLE_MINUTES without a request."""
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
    session["last_seen"] = now
    return None
