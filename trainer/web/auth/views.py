"""Signing in and out."""

from __future__ import annotations

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import logout_user

from trainer.extensions import db, limiter
from trainer.identity.policy import TURNED_OFF
from trainer.people.accounts import authenticate, sign_out
from trainer.web.access import login_required, public
from trainer.web.auth import bp
from trainer.web.auth.forms import LoginForm, LogoutForm
from trainer.web.context import client_ip, current_actor, password_policy, safe_next_url
from trainer.web.current import current_user, signed_in_user
from trainer.web.ratelimits import account_key, account_total_key, login_breached
from trainer.web.session import start_session

FAILED_MESSAGE = "The e-mail address or password is not right, or the account is not active."


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"],
               scope="login-ip", on_breach=login_breached,
               deduct_when=lambda response: response.status_code != 302)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=account_key, scope="login-account", on_breach=login_breached,
               deduct_when=lambda response: response.status_code != 302)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_TOTAL"], methods=["POST"],
               key_func=account_total_key, scope="login-account-total", on_breach=login_breached,
               deduct_when=lambda response: response.status_code != 302)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("learn.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        policy = password_policy()
        user = authenticate(db.session, form.email.data or "", form.password.data or "", client_ip(),
                            policy)
        db.session.commit()
        if user is not None:
            target = safe_next_url(request.args.get("next"))
            start_session(user)
            return redirect(target or url_for("learn.dashboard"))
        # With passwords off, one message for every failure: it must not tell who is on
        # the break-glass list.
        flash(FAILED_MESSAGE if policy.enabled else TURNED_OFF, "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = LogoutForm()
    if form.validate_on_submit():
        sign_out(db.session, current_actor(), signed_in_user())
        db.session.commit()
        logout_user()
        session.clear()
        flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
