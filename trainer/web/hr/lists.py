"""The lists behind the dashboard's numbers, and the overdue list."""

from __future__ import annotations

from flask import render_template

from trainer import clock
from trainer.extensions import db
from trainer.reports.assignments import assignment_page, overdue_filter
from trainer.reports.choices import filter_choices
from trainer.web.access import roles_required
from trainer.web.hr import bp
from trainer.web.hr.common import page_number, request_filter, thresholds


@bp.route("/assignments")
@roles_required("hr", "admin", "auditor")
def assignments():
    filters = request_filter()
    rows = assignment_page(db.session, filters, clock.today(), thresholds(), page=page_number())
    return render_template("hr/assignments.html", rows=rows, filters=filters,
                           choices=filter_choices(db.session, filters))


@bp.route("/overdue")
@roles_required("hr", "admin", "auditor")
def overdue():
    filters = overdue_filter(request_filter())
    rows = assignment_page(db.session, filters, clock.today(), thresholds(), page=page_number(),
                           overdue_first=True)
    return render_template("hr/overdue.html", rows=rows, filters=filters,
                           choices=filter_choices(db.session, filters))
