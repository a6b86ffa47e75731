"""What every HR view needs: the viewer's scope, the filter in the URL, the thresholds."""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from trainer.compliance.status import Thresholds, pending_update
from trainer.extensions import db
from trainer.people.scope import visible_department_ids
from trainer.reports.assignments import days_overdue
from trainer.reports.filters import STATUS_GROUPS, STATUS_LABELS, ReportFilter, scoped
from trainer.web.current import current_user
from trainer.web.hr import bp
from trainer.web.params import query_int


def viewer_scope() -> frozenset[int] | None:
    """The departments the signed-in HR user may see (None: all; admins see all)."""
    return scoped(visible_department_ids(db.session, current_user))


def request_filter(**fixed: object) -> ReportFilter:
    """The filter in the query string, always within the viewer's scope. Values that make
    no sense (a word where an id belongs, an unknown status) are ignored."""
    status = request.args.get("status") or None
    values: dict[str, Any] = {
        "scope": viewer_scope(),
        "department_id": query_int("department"),
        "course_id": query_int("course"),
        "status": status if status in STATUS_GROUPS else None,
        "manager_id": query_int("manager"),
        **fixed,
    }
    return ReportFilter(**values)


def thresholds() -> Thresholds:
    return Thresholds.from_config(current_app.config)


def page_number() -> int:
    return query_int("page", 1, minimum=1) or 1


@bp.context_processor
def report_labels() -> dict[str, object]:
    """Status names as people read them, for every HR template."""
    return {"status_labels": STATUS_LABELS, "days_overdue": days_overdue, "pending_update": pending_update}
