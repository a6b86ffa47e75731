"""The employee's dashboard and regulation-update acknowledgements."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for

from trainer import clock
from trainer.compliance.regulation_updates import UpdateError, acknowledge_update
from trainer.compliance.status import Thresholds
from trainer.extensions import db
from trainer.learning.dashboard import dashboard as build_dashboard
from trainer.web.access import login_required
from trainer.web.context import current_actor
from trainer.web.current import current_user
from trainer.web.learn import bp


@bp.route("/")
@login_required
def dashboard():
    board = build_dashboard(
        db.session, current_user.id, clock.today(), Thresholds.from_config(current_app.config)
    )
    return render_template("learn/dashboard.html", board=board)


@bp.route("/updates/<int:update_id>/acknowledge", methods=["POST"])
@login_required
def acknowledge_regulation_update(update_id: int):
    try:
        task = acknowledge_update(db.session, current_actor(), current_user.id, update_id)
    except UpdateError:
        abort(404)
    db.session.commit()
    flash(f"Thank you: you acknowledged “{task.regulation_update.title}”.", "success")
    return redirect(url_for("learn.dashboard"))
