"""API: completion figures per course, and the people assigned one course with their status."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from trainer import clock
from trainer.compliance.status import Thresholds
from trainer.extensions import db
from trainer.models import Course
from trainer.reports.dashboard import compliance_overview
from trainer.reports.feeds import course_completion_after
from trainer.reports.filters import STATUS_GROUPS, ReportFilter
from trainer.web.access import api_scope
from trainer.web.api import bp
from trainer.web.api.auth import current_token
from trainer.web.api.responses import BadRequest, api_error, decode_cursor, page, page_limit


@bp.route("/courses")
@api_scope("read")
def courses() -> ResponseReturnValue:
    thresholds = Thresholds.from_config(current_app.config)
    overview = compliance_overview(db.session, clock.today(), thresholds,
                                   ReportFilter(scope=current_token().scope))
    slugs = dict(db.session.execute(select(Course.id, Course.slug)).all())
    return jsonify(as_of=clock.today().isoformat(), data=[
        {"course": slugs.get(b.id), "title": b.label, "assigned": b.figures.assigned,
         "compliant": b.figures.compliant, "percent": b.figures.percent, "overdue": b.figures["overdue"],
         "by_status": b.figures.by_status}
        for b in overview.by_course
    ])


@bp.route("/courses/<slug>/completion")
@api_scope("read")
def course_status(slug: str) -> ResponseReturnValue:
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        return api_error(404, f"There is no course {slug!r}.")
    status = request.args.get("status") or None
    if status is not None and status not in STATUS_GROUPS:
        raise BadRequest(f"status must be one of {', '.join(STATUS_GROUPS)}.")
    limit = page_limit()
    rows = course_completion_after(
        db.session, current_token().scope, course, clock.today(),
        Thresholds.from_config(current_app.config), decode_cursor(request.args.get("cursor")), limit, status,
    )
    return page(rows, limit, lambda row: row["assignment_id"])
