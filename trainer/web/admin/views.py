"""Administrators' pages: the list of accounts (the admin area's start page)."""

from __future__ import annotations

from flask import render_template, request

from trainer.extensions import db
from trainer.ints import parse_int
from trainer.reports.accounts import AccountFilter, list_accounts
from trainer.web.access import roles_required
from trainer.web.admin import bp
from trainer.web.admin.user_forms import AccountFilterForm
from trainer.web.params import query_int


@bp.route("/")
@roles_required("admin")
def index():
    form = AccountFilterForm(request.args)
    form.validate()  # unknown choices are ignored below rather than refused
    department = form.department.data or ""
    filters = AccountFilter(
        text=(form.q.data or "")[:200], role=form.role.data if not form.role.errors else "",
        department_id=parse_int(department),
        status=form.status.data if not form.status.errors else "")
    users = list_accounts(db.session, filters, query_int("page", 1, minimum=1))
    return render_template("admin/users.html", users=users, form=form)
