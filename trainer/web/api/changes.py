"""API: what changed since a time (see trainer.reports.feeds for the definition)."""

from __future__ import annotations

from flask import current_app, request
from flask.typing import ResponseReturnValue

from trainer import clock
from trainer.compliance.status import Thresholds
from trainer.extensions import db
from trainer.reports.feeds import assignment_changes_after, completion_changes_after
from trainer.web.access import api_scope
from trainer.web.api import bp
from trainer.web.api.auth import current_token
from trainer.web.api.responses import decode_cursor, page, page_limit, parse_since


@bp.route("/changes/assignments")
@api_scope("read")
def assignment_changes() -> ResponseReturnValue:
    since, limit = parse_since(request.args.get("since")), page_limit()
    rows = assignment_changes_after(
        db.session, current_token().scope, since, clock.today(), Thresholds.from_config(current_app.config),
        decode_cursor(request.args.get("cursor")), limit,
    )
    return page(rows, limit, lambda row: row["id"])


@bp.route("/changes/completions")
@api_scope("read")
def completion_changes() -> ResponseReturnValue:
    since, limit = parse_since(request.args.get("since")), page_limit()
    rows = completion_changes_after(db.session, current_token().scope, since,
                                    decode_cursor(request.args.get("cursor")), limit)
    return page(rows, limit, lambda row: row["id"])
