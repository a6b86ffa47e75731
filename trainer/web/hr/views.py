"""HR's pages."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import Department
from trainer.people.scope import visible_department_ids
from trainer.reports.people import search_people
from trainer.web.access import roles_required
from trainer.web.hr import bp


@bp.route("/")
@roles_required("hr", "admin")
def dashboard():  # type: ignore[no-untyped-def]
    scope = visible_department_ids(db.session, current_user)
    departments = db.session.scalars(select(Department).order_by(Department.name)).all()
    if scope is not None:
        departments = [d for d in departments if d.id in scope]
    department_id = request.args.get("department", type=int)
    people = search_people(
        db.session,
        scope=scope,
        text=request.args.get("q", "")[:200],
        department_id=department_id,
        page=request.args.get("page", 1, type=int),
    )
    return render_template(
        "hr/employees.html", people=people, departments=departments, department_id=department_id
    )
