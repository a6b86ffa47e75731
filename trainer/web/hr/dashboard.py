"""The HR dashboard: who is not compliant, and since when, at a glance."""

from __future__ import annotations

from flask import render_template

from trainer import clock
from trainer.extensions import db
from trainer.reports.choices import filter_choices
from trainer.reports.dashboard import compliance_overview
from trainer.reports.trend import compliance_trend
from trainer.web.access import roles_required
from trainer.web.hr import bp
from trainer.web.hr.common import request_filter, thresholds


@bp.route("/")
@roles_required("hr", "admin", "auditor")
def dashboard():
    filters, today, limits = request_filter(), clock.today(), thresholds()
    choices = filter_choices(db.session, filters)
    overview = compliance_overview(db.session, today, limits, filters, choices)
    trend = compliance_trend(db.session, today, limits, filters, overview.total)
    return render_template("hr/dashboard.html", overview=overview, trend=trend, filters=filters,
                           thresholds=limits, choices=choices)
