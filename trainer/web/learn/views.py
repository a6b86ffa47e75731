"""The employee's dashboard and regulation-update acknowledgements."""

from __future__ import annotations

from typing import NamedTuple

from flask import abort, current_app, flash, redirect, render_template, url_for

from trainer import clock
from trainer.compliance.regulation_updates import UpdateError, acknowledge_update
from trainer.compliance.status import Thresholds
from trainer.extensions import db
from trainer.learning.dashboard import DashboardItem
from trainer.learning.dashboard import dashboard as build_dashboard
from trainer.web.access import login_required
from trainer.web.context import current_actor
from trainer.web.current import current_user
from trainer.web.learn import bp
from trainer.web.templating import format_date, remembered_url_for


class Card(NamedTuple):
    """A course's card on the dashboard, as its template writes it: every value worked out
    here once. In Jinja each attribute lookup, test, filter and url_for call goes through
    the template runtime and cost several times its Python; a page has ten cards."""

    status: str
    course_url: str
    title: str
    summary: str
    change_note: str
    progress_max: int  # the progress bar's max: its modules, at least 1
    done_count: int
    assignment_id: int
    progress: str
    status_text: str
    due: str  # "" once completed
    next_module_url: str  # "" when done: the card links the course, to review it
    action: str


def card(item: DashboardItem) -> Card:
    cycle, progress = item.view.assignment, item.progress
    course = cycle.course
    course_url = remembered_url_for("learn.course", slug=course.slug)
    next_module = item.next_module
    return Card(
        item.view.status, course_url, course.title, course.summary, item.change_note,
        progress.total or 1, progress.done_count, cycle.id, progress.summary, item.status_text,
        format_date(cycle.due_on) if cycle.completed_on is None else "",
        remembered_url_for("learn.module", course_slug=course.slug, module_slug=next_module.slug)
        if next_module is not None else "",
        item.action,
    )


@bp.route("/")
@login_required
def dashboard():
    board = build_dashboard(
        db.session, current_user.id, clock.today(), Thresholds.from_config(current_app.config)
    )
    return render_template("learn/dashboard.html", board=board, cards=[card(i) for i in board.items])


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
