"""API: the employee list, one employee's completion status, and the employees sync."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask.typing import ResponseReturnValue

from trainer import clock
from trainer.compliance.status import Thresholds
from trainer.extensions import db
from trainer.models import User
from trainer.people.privileged import Authority, Channel
from trainer.people.staff_apply import apply_import
from trainer.people.staff_file import read_staff_records
from trainer.people.staff_import import CLEARABLE, ImportOptions, ImportPlan, plan_import
from trainer.reports.feeds import employee_completion, employees_after, find_employee
from trainer.web.access import api_scope
from trainer.web.api import bp
from trainer.web.api.auth import api_actor, current_token
from trainer.web.api.responses import (
    BadRequest,
    api_error,
    decode_cursor,
    page,
    page_limit,
    plain,
    query_flag,
)


@bp.route("/employees")
@api_scope("read")
def employees() -> ResponseReturnValue:
    limit = page_limit()
    rows = employees_after(db.session, current_token().scope, decode_cursor(request.args.get("cursor")),
                           limit, include_inactive=query_flag("include_inactive"))
    return page(rows, limit, lambda row: row["id"])


@bp.route("/employees/<ref>/completion")
@api_scope("read")
def employee_status(ref: str) -> ResponseReturnValue:
    user = find_employee(db.session, current_token().scope, ref)
    if user is None:
        return api_error(404, "There is no such employee, or not in your departments.")
    thresholds = Thresholds.from_config(current_app.config)
    return jsonify(plain(employee_completion(db.session, user, clock.today(), thresholds)))


@bp.route("/employees/sync", methods=["POST"])
@api_scope("sync")
def employees_sync() -> ResponseReturnValue:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or "employees" not in body:
        raise BadRequest('Send a JSON object: {"employees": [...], "dry_run": true}.')
    for flag in ("dry_run", "deactivate_missing", "skip_bad_rows"):
        if flag in body and not isinstance(body[flag], bool):
            raise BadRequest(f"{flag} must be true or false.")
    max_rows = int(current_app.config["API_SYNC_MAX_ROWS"])
    if isinstance(body["employees"], list) and len(body["employees"]) > max_rows:
        return api_error(413, f"At most {max_rows} employees per request; this one has "
                              f"{len(body['employees'])}. Send the list in parts (without "
                              "deactivate_missing), or import it with `trainer users import`.")
    allowed = body.get("allow_mass_deactivation")
    if allowed is not None and (isinstance(allowed, bool) or not isinstance(allowed, int) or allowed < 1):
        raise BadRequest("'allow_mass_deactivation' must be a whole number of people, at least 1.")
    clear = body.get("clear_fields", [])
    if not isinstance(clear, list) or any(f not in CLEARABLE for f in clear):
        raise BadRequest(f"'clear_fields' must be a list of: {', '.join(CLEARABLE)}.")
    options = ImportOptions(
        deactivate_missing=body.get("deactivate_missing") is True,
        skip_bad_rows=body.get("skip_bad_rows") is True,
        allow_mass_deactivation=allowed, clear_fields=frozenset(clear),
        max_deactivation_percent=float(current_app.config["IMPORT_MAX_DEACTIVATION_PERCENT"]))
    token = current_token()
    owner = db.session.get(User, token.token.created_by_id) if token.token.created_by_id else None
    plan = plan_import(db.session, read_staff_records(body["employees"]), options,
                       authority=Authority.of(Channel.API_SYNC, owner),
                       scope=token.scope, acting_user_id=token.token.created_by_id)
    dry_run = body.get("dry_run") is True
    if dry_run or not plan.can_apply:
        return jsonify(sync_report(plan, dry_run=dry_run, applied=False)), 200 if dry_run else 422
    apply_import(db.session, api_actor(), plan, clock.today(), via="API sync",
                 refresher_window_days=int(current_app.config["REFRESHER_WINDOW_DAYS"]))
    db.session.commit()
    return jsonify(sync_report(plan, dry_run=False, applied=True))


def sync_report(plan: ImportPlan, *, dry_run: bool, applied: bool) -> dict:
    """The plan as JSON: counts, who is created / updated (field by field) / deactivated,
    which changes were refused and why."""
    return plain({
        "dry_run": dry_run, "applied": applied, "can_apply": plan.can_apply, "summary": plan.summary(),
        "created": [r.email for r in plan.created],
        "updated": [{"email": u.row.email, "changes": {f: {"from": old, "to": new}
                                                       for f, (old, new) in u.changes.items()}}
                    for u in plan.updated],
        "deactivated": [a.email for a in plan.deactivated],
        "deactivation_blocked": plan.deactivation_blocked and
        f"{plan.deactivation_blocked} To confirm, send \"allow_mass_deactivation\": {len(plan.deactivated)}.",
        "refused": [{"row": r.line, "email": r.email, "reason": r.reason} for r in plan.refused],
        "errors": [{"row": p.line, "message": p.message} for p in plan.problems],
        "notes": plan.notes,
        "new_departments": plan.new_departments,
    })
