"""HR's list of employees and the page of one employee's training evidence, each with where
the person stands with signing in (identity/invitations.py)."""

from __future__ import annotations

from flask import abort, render_template, request

from trainer import clock
from trainer.extensions import db
from trainer.identity import invitations
from trainer.identity.inviting import invitable
from trainer.people.scope import in_scope
from trainer.reports.choices import filter_choices
from trainer.reports.employee import employee_record, visible_employee
from trainer.reports.people import employee_list
from trainer.web.access import roles_required
from trainer.web.hr import bp
from trainer.web.hr.common import page_number, request_filter, thresholds, viewer_scope
from trainer.web.hr.invitations import InviteForm


@bp.route("/employees")
@roles_required("hr", "admin", "auditor")
def employees():
    filters = request_filter()
    people = employee_list(db.session, filters, clock.today(), thresholds(),
                           text=request.args.get("q", "")[:200], page=page_number())
    return render_template("hr/employees.html", people=people, filters=filters,
                           choices=filter_choices(db.session, filters),
                           sign_in=invitations.states(db.session, [row.user for row in people.items]),
                           never_signed_in=invitable(db.session, in_scope(filters.scope)),
                           invite_form=InviteForm())


@bp.route("/employees/<int:user_id>")
@roles_required("hr", "admin", "auditor")
def employee(user_id: int):
    scope = viewer_scope()
    user = visible_employee(db.session, user_id, scope)
    if user is None:
        abort(404)
    record = employee_record(db.session, user, clock.today(), thresholds())
    manager_visible = user.manager is not None and visible_employee(db.session, user.manager.id, scope)
    return render_template("hr/employee.html", record=record, manager_visible=manager_visible,
                           sign_in=invitations.states(db.session, [user])[user.id],
                           invite_form=InviteForm())
