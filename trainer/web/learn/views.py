"""The employee's pages."""

from __future__ import annotations

from flask import current_app, render_template
from flask_login import current_user

from trainer import clock
from trainer.compliance.overview import current_assignments
from trainer.compliance.status import Thresholds
from trainer.extensions import db
from trainer.web.access import login_required
from trainer.web.learn import bp


@bp.route("/")
@login_required
def dashboard():  # type: ignore[no-untyped-def]
    assignments = current_assignments(
        db.session, current_user.id, clock.today(), Thresholds.from_config(current_app.config)
    )
    return render_template("learn/dashboard.html", assignments=assignments)
