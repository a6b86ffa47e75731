"""The "Review due" list: courses whose content review is overdue, due soon, or needed after a
regulation update; and marking a course reviewed (content/review.py)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from trainer import clock
from trainer.content.review import DUE_WITHIN_DAYS, mark_reviewed, review_list
from trainer.extensions import db
from trainer.web.access import roles_required
from trainer.web.admin import bp
from trainer.web.admin.course_forms import ActionForm
from trainer.web.admin.lookups import course_or_404
from trainer.web.context import current_actor


@bp.route("/reviews")
@roles_required("admin")
def reviews():
    today = clock.today()
    return render_template("admin/reviews.html", rows=review_list(db.session, today), today=today,
                           within=DUE_WITHIN_DAYS, action_form=ActionForm())


@bp.route("/reviews/<slug>/reviewed", methods=["POST"])
@roles_required("admin")
def mark_course_reviewed(slug: str):
    course = course_or_404(slug)
    if ActionForm().validate_on_submit():
        today = clock.today()
        if mark_reviewed(db.session, current_actor(), course, today):
            db.session.commit()
            flash(f"“{course.title}” marked reviewed on {today:%-d %b %Y}. Its next review is due in "
                  f"{course.review_every_months} months. No new version was published; `trainer courses "
                  "export --update` writes the new reviewed_on into course.md.", "success")
        else:
            flash(f"“{course.title}” is already marked reviewed today.", "info")
    return redirect(url_for("admin.reviews"))
