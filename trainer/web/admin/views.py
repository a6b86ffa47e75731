"""Administrators' pages."""

from __future__ import annotations

from flask import render_template, request

from trainer.extensions import db
from trainer.reports.people import search_people
from trainer.web.access import roles_required
from trainer.web.admin import bp


@bp.route("/")
@roles_required("admin")
def index():  # type: ignore[no-untyped-def]
    users = search_people(
        db.session,
        scope=None,
        text=request.args.get("q", "")[:200],
        include_inactive=True,
        page=request.args.get("page", 1, type=int),
    )
    return render_template("admin/users.html", users=users)
