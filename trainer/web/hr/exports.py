"""Downloads for HR and auditors: streamed CSV or JSON, each one audited."""

from __future__ import annotations

import datetime as dt
import tempfile

from flask import (
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from sqlalchemy import select

from trainer import clock
from trainer.extensions import db
from trainer.models import Department
from trainer.reports.assignments import overdue_filter
from trainer.reports.auditor_pack import PackRequest, write_pack
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
from trainer.reports.pack_data import pack_period
from trainer.web.access import roles_required
from trainer.web.context import current_actor
from trainer.web.hr import bp
from trainer.web.hr.common import request_filter, thresholds

EVIDENCE_DAYS = 365


@bp.route("/exports")
@roles_required("hr", "admin", "auditor")
def exports():
    filters = request_filter()
    today = clock.today()
    return render_template("hr/exports.html", filters=filters,
                           choices=filter_choices(db.session, filters),
                           default_from=today - dt.timedelta(days=EVIDENCE_DAYS), default_to=today)


@bp.route("/exports/completion")
@roles_required("hr", "admin", "auditor")
def export_completion():
    fmt, filters = _format(), request_filter()
    _audit("completion", fmt, filters)
    return download(completion_matrix(db.session, fmt, filters, clock.today(), thresholds()))


@bp.route("/exports/assignments")
@roles_required("hr", "admin", "auditor")
def export_assignments():
    fmt, filters = _format(), request_filter()
    _audit("assignments", fmt, filters)
    return download(assignment_list(db.session, fmt, filters, clock.today(), thresholds()))


@bp.route("/exports/overdue")
@roles_required("hr", "admin", "auditor")
def export_overdue():
    fmt, filters = _format(), overdue_filter(request_filter())
    _audit("overdue", fmt, filters)
    return download(assignment_list(db.session, fmt, filters, clock.today(), thresholds(),
                                    name="overdue", overdue_first=True))


@bp.route("/exports/evidence")
@roles_required("hr", "admin", "auditor")
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


@bp.route("/exports/auditor-pack")
@roles_required("hr", "admin", "auditor")
def export_auditor_pack():
    filters = request_filter(course_id=None, status=None, manager_id=None)
    try:
        period = pack_period(_date_arg("from", clock.today() - dt.timedelta(days=EVIDENCE_DAYS)),
                             _date_arg("to", clock.today()), _optional_date_arg("as_of"), clock.today())
    except ValueError as error:
        flash(str(error), "error")
        return redirect(url_for("hr.exports"))
    pack = PackRequest(period, filters, _scope_label(filters), current_app.config["ORGANISATION_NAME"],
                       thresholds())
    _audit("auditor-pack", "zip", filters, start=period.start.isoformat(), end=period.end.isoformat(),
           as_of=period.as_of.isoformat())
    # Spooled: small packs stay in memory, large ones go to a temporary file, never both.
    output = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 (send_file closes it)
    write_pack(db.session, pack, output)
    output.seek(0)
    response = send_file(output, mimetype="application/zip", as_attachment=True,
                         download_name=pack.filename())
    response.headers["Cache-Control"] = "no-store"
    return response


def _scope_label(filters: ReportFilter) -> str:
    ids = {filters.department_id} if filters.department_id is not None else filters.scope
    if ids is None:
        return "all departments"
    names = db.session.scalars(
        select(Department.name).where(Department.id.in_(ids)).order_by(Department.name))
    return ", ".join(names) or "no departments"


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
    return _optional_date_arg(name) or default


def _optional_date_arg(name: str) -> dt.date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"'{raw}' is not a date: use YYYY-MM-DD.") from None
