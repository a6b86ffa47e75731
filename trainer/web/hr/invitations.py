"""HR sends invitations again: to one person, or to everyone in scope who never signed in."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_wtf import FlaskForm

from trainer.extensions import db
from trainer.identity.invitations import queue_invitations
from trainer.models import User
from trainer.people.scope import in_scope
from trainer.reports.employee import visible_employee
from trainer.web.access import roles_required
from trainer.web.account_mail import invite_now, invited_message
from trainer.web.context import current_actor
from trainer.web.hr import bp
from trainer.web.hr.common import viewer_scope


class InviteForm(FlaskForm):
    """A button, CSRF-protected."""


@bp.route("/employees/<int:user_id>/invite", methods=["POST"])
@roles_required("hr", "admin")
def invite_employee(user_id: int):
    user = visible_employee(db.session, user_id, viewer_scope())
    if user is None:
        abort(404)
    if InviteForm().validate_on_submit():
        flash(*invited_message(invite_now(User.id == user.id), user.email))
    return redirect(url_for("hr.employee", user_id=user.id))


@bp.route("/employees/invite", methods=["POST"])
@roles_required("hr", "admin")
def invite_never_signed_in():
    """Everyone in the viewer's scope who never signed in gets the invitation again, with
    the next reminder run (hourly): thousands of e-mails do not belong in one request."""
    if InviteForm().validate_on_submit():
        queued = queue_invitations(db.session, current_actor(), in_scope(viewer_scope()))
        db.session.commit()
        if queued:
            flash(f"{queued} invitation{'s' if queued != 1 else ''} queued; they go out with the next "
                  "reminder run (within the hour).", "success")
        else:
            flash("Nobody to invite: everyone has signed in, or their invitation is already waiting.", "info")
    return redirect(url_for("hr.employees"))
