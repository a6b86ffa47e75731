"""My team: a manager's view of their reports' training, and a nudge per person."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from trainer import clock
from trainer.compliance.status import Thresholds
from trainer.extensions import db
from trainer.models import User
from trainer.notify.nudges import remind_assignments
from trainer.reports.team import in_team, is_manager, team
from trainer.web.access import login_required
from trainer.web.context import current_actor
from trainer.web.current import current_user
from trainer.web.learn import bp


class NudgeForm(FlaskForm):
    """A "Nudge" button, CSRF-protected."""


@bp.route("/team")
@login_required
def my_team():
    indirect = request.args.get("indirect") == "1"
    members = team(db.session, current_user.id, clock.today(), Thresholds.from_config(current_app.config),
                   indirect=indirect)
    return render_template("learn/team.html", members=members, indirect=indirect, form=NudgeForm(),
                           manager=bool(members) or is_manager(db.session, current_user.id))


@bp.route("/team/<int:user_id>/nudge", methods=["POST"])
@login_required
def nudge(user_id: int):
    if not in_team(db.session, current_user.id, user_id):
        abort(404)
    person = db.session.get(User, user_id)
    if person is None:
        abort(404)
    result = remind_assignments(db.session, current_actor(), [user_id], None, clock.today(),
                                action="team.nudged", target=person)
    db.session.commit()
    if result.reminded:
        flash(f"{person.name} gets a reminder of their open training.", "success")
    elif result.already_today:
        flash(f"{person.name} has already been reminded today.", "info")
    else:
        flash(f"{person.name} has no open training to be reminded of.", "info")
    if request.args.get("indirect") == "1":
        return redirect(url_for("learn.my_team", indirect="1"))
    return redirect(url_for("learn.my_team"))
