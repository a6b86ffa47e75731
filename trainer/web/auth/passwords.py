"""Forgotten passwords (e-mailed links) and changing one's password."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, url_for
from flask_login import login_user

from trainer import audit
from trainer.extensions import db, limiter
from trainer.identity.policy import TURNED_OFF
from trainer.people.accounts import AccountError, set_password
from trainer.people.password_reset import ResetLinkError, reset_password, user_for_token
from trainer.security import verify_password
from trainer.web.access import login_required, public
from trainer.web.account_mail import reset_by_email_after_response
from trainer.web.auth import bp
from trainer.web.auth.forms import ChangePasswordForm, ForgotPasswordForm, NewPasswordForm
from trainer.web.context import current_actor, password_policy
from trainer.web.current import signed_in_user
from trainer.web.ratelimits import account_key, account_total_key, password_change_breached, signed_in_key

SENT = ("If an account exists for that address, we have sent it a link to choose a new "
        "password. The link works for an hour.")


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"], scope="reset-ip")
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=account_key, scope="reset-account")
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_TOTAL"], methods=["POST"],
               key_func=account_total_key, scope="reset-account-total")
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        reset_by_email_after_response(form.email.data or "", current_actor(), password_policy())
        flash(SENT, "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form, policy=password_policy())


@bp.route("/password/reset/<token>", methods=["GET", "POST"], endpoint="reset_password")
@public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"], scope="reset-ip")
def reset_password_page(token: str):
    return _choose_password(
        token, "auth/reset.html",
        "Your password is changed and you were signed out everywhere. Sign in with it now.")


@bp.route("/welcome/<token>", methods=["GET", "POST"], endpoint="accept_invitation")
@public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"], scope="reset-ip")
def accept_invitation(token: str):
    """The link in an invitation (identity/invitations.WELCOME_PATH): choose a first password."""
    return _choose_password(
        token, "auth/welcome.html", "Your password is set. Sign in with your e-mail address and it.")


def _choose_password(token: str, template: str, done_message: str):
    """A reset link and an invitation link are the same single-use token: one page flow."""
    try:
        user = user_for_token(db.session, token, password_policy())
    except ResetLinkError as error:
        return render_template("auth/reset_invalid.html", message=str(error)), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            reset_password(db.session, current_actor(), token, form.password.data or "", password_policy())
        except AccountError as error:
            form.password.errors = [*form.password.errors, str(error)]
        else:
            db.session.commit()
            flash(done_message, "success")
            return redirect(url_for("auth.login"))
    return render_template(template, form=form, user=user)


@bp.route("/me/password", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=signed_in_key, scope="password-change", on_breach=password_change_breached,
               deduct_when=lambda response: bool(g.get("wrong_current_password")))
def change_password():
    if not password_policy().allows(signed_in_user()):
        flash(TURNED_OFF, "info")
        return redirect(url_for("learn.dashboard"))
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = signed_in_user()
        if not verify_password(user.password_hash, form.current.data or ""):
            g.wrong_current_password = True  # counts against the limit, like a failed sign-in
            audit.record(db.session, current_actor(), "auth.failed", user, reason="current_password")
            db.session.commit()
            form.current.errors = [*form.current.errors, "That is not your current password."]
        else:
            try:
                set_password(db.session, current_actor(), user, form.password.data or "")
            except AccountError as error:
                form.password.errors = [*form.password.errors, str(error)]
            else:
                db.session.commit()
                login_user(user)  # this session continues; every other one has ended
                flash("Password changed. You were signed out on every other device.", "success")
                return redirect(url_for("learn.dashboard"))
    return render_template("auth/change_password.html", form=form)
