"""API: acknowledgements of regulation updates and policy versions (counts, and who)."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from trainer import clock
from trainer.extensions import db
from trainer.models import ModuleVersion, RegulationUpdate
from trainer.reports.acknowledgements import (
    ACK_STATUSES,
    AckCounts,
    Rows,
    policy_rows,
    policy_summaries,
    update_rows,
    update_summaries,
)
from trainer.reports.filters import ReportFilter
from trainer.web.access import api_scope
from trainer.web.api import bp
from trainer.web.api.auth import current_token
from trainer.web.api.responses import BadRequest, api_error, decode_cursor, page, page_limit

PERSON_FIELDS = ("user_id", "employee_id", "email", "name", "department", "status", "assigned_on", "due_on",
                 "acknowledged_at")


def _counts(counts: AckCounts) -> dict[str, int]:
    return {"acknowledged": counts.acknowledged, "outstanding": counts.outstanding, "overdue": counts.overdue}


@bp.route("/acknowledgements")
@api_scope("read")
def acknowledgement_figures() -> ResponseReturnValue:
    filters, today = ReportFilter(scope=current_token().scope), clock.today()
    return jsonify(
        as_of=today.isoformat(),
        regulation_updates=[
            {"id": s.update.id, "regulation": s.update.regulation, "title": s.update.title,
             "published_at": s.update.published_at.isoformat() if s.update.published_at else None,
             **_counts(s.counts)}
            for s in update_summaries(db.session, filters, today)],
        policy_versions=[
            {"id": s.version.id, "course": s.course.slug, "module": s.version.module.slug,
             "version": s.version.number, "title": s.version.title, "current": s.current,
             "content_hash": s.version.content_hash, **_counts(s.counts)}
            for s in policy_summaries(db.session, filters, today)],
    )


@bp.route("/acknowledgements/updates/<int:update_id>")
@api_scope("read")
def update_acknowledgement_people(update_id: int) -> ResponseReturnValue:
    update = db.session.get(RegulationUpdate, update_id)
    if update is None or update.action != "acknowledge" or update.published_at is None:
        return api_error(404, f"There is no published regulation update {update_id} to acknowledge.")
    filters, today = ReportFilter(scope=current_token().scope), clock.today()
    return _people_page(update_rows(update.id, filters, today, _status()))


@bp.route("/acknowledgements/policies/<int:version_id>")
@api_scope("read")
def policy_acknowledgement_people(version_id: int) -> ResponseReturnValue:
    version = db.session.get(ModuleVersion, version_id)
    if version is None or version.kind != "policy":
        return api_error(404, f"There is no policy version {version_id}.")
    filters, today = ReportFilter(scope=current_token().scope), clock.today()
    return _people_page(policy_rows(version, filters, today, _status()))


def _status() -> str | None:
    status = request.args.get("status") or None
    if status is not None and status not in ACK_STATUSES:
        raise BadRequest(f"status must be one of {', '.join(ACK_STATUSES)}.")
    return status


def _people_page(rows: Rows) -> ResponseReturnValue:
    limit, after = page_limit(), decode_cursor(request.args.get("cursor"))
    sub = rows.order_by(None).subquery()
    found = db.session.execute(select(*sub.c).where(sub.c.user_id > after).order_by(sub.c.user_id)
                               .limit(limit + 1))
    items: list[dict[str, Any]] = [{k: getattr(row, k) for k in PERSON_FIELDS} for row in found]
    return page(items, limit, lambda item: item["user_id"])
