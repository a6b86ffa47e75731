"""Administrators' pages: the list of accounts (the admin area's start page)."""

from __future__ import annotations

from flask import render_template, request

from trainer.extensions import db
from trainer.reports.accounts import AccountFilter, list_accounts
from trainer.web.access import roles_required
from trainer.web.admin import bp
from trainer.web.admin.user_forms import AccountFilterForm


@bp.route("/")
@roles_required("admin")
def index():
    form = AccountFilterForm(request.args)
    form.validate()  # unknown choices are ignored below rather than refused
    department = form.department.data or ""
    filters = AccountFilter(
        text=(form.q.data or "")[:200], role=form.role.data if not form.role.errors else "",
        department_id=int(department) if department.isdigit() else None,
        status=form.status.data if not form.status.errors else "")
    users = list_accounts(db.session, filters, request.args.get("page", 1, type=int))
    return render_template("admin/users.html", users=users, form=form)
