"""Admin pages for accounts: create, edit roles and details, deactivate and reactivate."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from trainer.compliance.sync import SyncResult
from trainer.extensions import db
from trainer.identity.links import linked_identities, unlink
from trainer.models import User
from trainer.people.account_changes import (
    create_account,
    deactivate_account,
    reactivate_account,
    update_account,
)
from trainer.people.accounts import AccountError
from trainer.people.password_reset import request_reset
from trainer.web.access import roles_required
from trainer.web.account_mail import invite_now, invited_message, send_reset_link_after_response
from trainer.web.admin import bp
from trainer.web.admin.confirmation import confirm_page, is_confirmed
from trainer.web.admin.follow_up import sync_people
from trainer.web.admin.user_forms import AccountForm, AccountStatusForm, NewAccountForm
from trainer.web.context import current_actor, password_policy


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    """A new account gets no password: the invitation e-mail lets the person choose one
    (or, with passwords off, tells them to use single sign-on)."""
    form = NewAccountForm()
    problem = None
    if form.validate_on_submit():
        try:
            email = form.email.data or ""
            user = create_account(db.session, current_actor(), email, form.details(), None)
        except AccountError as error:
            db.session.rollback()
            problem = str(error)
        else:
            sync = _sync_and_commit(user)
            invited = invite_now(User.id == user.id)
            return render_template("admin/user_created.html", user=user, sync=sync,
                                   invitation=invited_message(invited, user.email))
    return render_template("admin/user_form.html", form=form, user=None, problem=problem)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = AccountForm()
    problem = None
    if not form.is_submitted():
        form.fill_from(user)
    elif form.validate():
        try:
            changed = update_account(db.session, current_actor(), user, form.details())
        except AccountError as error:
            db.session.rollback()
            problem = str(error)
        else:
            result = _sync_and_commit(user)
            flash(f"Saved. Assignments: {result.summary()}." if changed else "Nothing changed.",
                  "success" if changed else "info")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=user, problem=problem,
                           status_form=AccountStatusForm(),
                           sso_links=linked_identities(db.session, user))


@bp.route("/users/<int:user_id>/<any(deactivate, reactivate):action>", methods=["POST"])
@roles_required("admin")
def user_status(user_id: int, action: str):
    user = db.session.get(User, user_id) or abort(404)
    if AccountStatusForm().validate_on_submit():
        if action == "deactivate" and not is_confirmed():
            return confirm_page(f"Deactivate {user.name}?", [
                f"{user.name} can no longer sign in; open sessions and API access end.",
                "Their open assignments are closed; completions and certificates are kept as evidence.",
                "You can reactivate the account later."], f"Deactivate {user.name}",
                url_for("admin.edit_user", user_id=user.id))
        change = deactivate_account if action == "deactivate" else reactivate_account
        try:
            change(db.session, current_actor(), user)
        except AccountError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            result = _sync_and_commit(user)
            flash(f"{user.name} is {action}d. Assignments: {result.summary()}.", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/password-reset", methods=["POST"])
@roles_required("admin")
def send_password_reset(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    if AccountStatusForm().validate_on_submit():
        if not password_policy().allows(user):
            flash("Password sign-in is turned off for this person (only break-glass administrators "
                  "use passwords); they sign in with single sign-on.", "error")
            return redirect(url_for("admin.edit_user", user_id=user.id))
        reset = request_reset(db.session, current_actor(), user.email)
        db.session.commit()
        if reset is None:
            flash("Only active accounts can be sent a link.", "error")
        else:
            send_reset_link_after_response(reset)
            flash(f"A link to choose a new password is on its way to {user.email}; it works for an hour.",
                  "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/sso/<int:identity_id>/unlink", methods=["POST"])
@roles_required("admin")
def unlink_sso_identity(user_id: int, identity_id: int):
    """Forget one identity-provider account of the person (a recycled address, say)."""
    user = db.session.get(User, user_id) or abort(404)
    if AccountStatusForm().validate_on_submit():
        if not unlink(db.session, current_actor(), user, identity_id):
            abort(404)
        db.session.commit()
        flash("Unlinked. Their next single sign-on links again by verified e-mail address.", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


def _sync_and_commit(user: User) -> SyncResult:
    """The person's assignments follow the change (roles, department, active) before the commit."""
    result = sync_people([user.id])
    db.session.commit()
    return result
