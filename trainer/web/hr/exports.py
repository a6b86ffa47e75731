"""Downloads for HR and auditors: streamed CSV or JSON, each one audited."""

from __future__ import annotations

import datetime as dt

from flask import Response, flash, redirect, render_template, request, stream_with_context, url_for

from trainer import clock
from trainer.extensions import db
from trainer.reports.assignments import overdue_filter
from trainer.reports.choices import filter_choices
from trainer.reports.exports import (
    FORMATS,
    Export,
    assignment_list,
    audit_evidence,
    completion_matrix,
    record_export,
)
from trainer.reports.filters import ReportFilter
from trainer.web.access import roles_required
from trainer.web.context import current_actor
from trainer.web.hr import bp
from trainer.web.hr.common import request_filter, thresholds

EVIDENCE_DAYS = 365


@bp.route("/exports")
@roles_required("hr", "admin")
def exports():
    filters = request_filter()
    today = clock.today()
    return render_template("hr/exports.html", filters=filters,
                           choices=filter_choices(db.session, filters.scope),
                           default_from=today - dt.timedelta(days=EVIDENCE_DAYS), default_to=today)


@bp.route("/exports/completion")
@roles_required("hr", "admin")
def export_completion():
    fmt, filters = _format(), request_filter()
    _audit("completion", fmt, filters)
    return download(completion_matrix(db.session, fmt, filters, clock.today(), thresholds()))


@bp.route("/exports/assignments")
@roles_required("hr", "admin")
def export_assignments():
    fmt, filters = _format(), request_filter()
    _audit("assignments", fmt, filters)
    return download(assignment_list(db.session, fmt, filters, clock.today(), thresholds()))


@bp.route("/exports/overdue")
@roles_required("hr", "admin")
def export_overdue():
    fmt, filters = _format(), overdue_filter(request_filter())
    _audit("overdue", fmt, filters)
    return download(assignment_list(db.session, fmt, filters, clock.today(), thresholds(),
                                    name="overdue", overdue_first=True))


@bp.route("/exports/evidence")
@roles_required("hr", "admin")
def export_evidence():
    fmt, filters = _format(), request_filter()
    today = clock.today()
    try:
        start = _date_arg("from", today - dt.timedelta(days=EVIDENCE_DAYS))
        end = _date_arg("to", today)
    except ValueError as error:
        flash(str(error), "error")
        return redirect(url_for("hr.exports"))
    if start > end:
        flash("The start date is after the end date.", "error")
        return redirect(url_for("hr.exports"))
    _audit("evidence", fmt, filters, start=start.isoformat(), end=end.isoformat())
    return download(audit_evidence(db.session, fmt, filters, start, end, today))


def download(export: Export) -> Response:
    """Stream the export: rows leave as they are read, so memory stays flat."""
    response = Response(stream_with_context(export.chunks), mimetype=export.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _format() -> str:
    fmt = request.args.get("format", "csv")
    return fmt if fmt in FORMATS else "csv"


def _audit(report: str, fmt: str, filters: ReportFilter, **details: str) -> None:
    record_export(db.session, current_actor(), report, fmt, filters, **details)
    db.session.commit()  # the export is on record before a single row leaves


def _date_arg(name: str, default: dt.date) -> dt.date:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"'{raw}' is not a date: use YYYY-MM-DD.") from None
