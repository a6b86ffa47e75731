"""Course and module pages, and acknowledging a policy module."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from trainer import clock
from trainer.compliance.overview import view_of
from trainer.compliance.status import Thresholds
from trainer.extensions import db
from trainer.learning.dashboard import status_text
from trainer.learning.outline import CourseOutline, course_outline, find_course, open_course
from trainer.learning.reading import AcknowledgementError, acknowledge_module, find_module, open_module
from trainer.models import Course, Module, ModuleVersion
from trainer.web.access import login_required
from trainer.web.context import current_actor
from trainer.web.current import current_user
from trainer.web.learn import bp
from trainer.web.params import form_int


def course_or_404(slug: str) -> Course:
    course = find_course(db.session, slug)
    if course is None:
        abort(404)
    return course


def module_or_404(course_slug: str, module_slug: str) -> Module:
    return live_module_or_404(course_or_404(course_slug), module_slug)


def live_module_or_404(course: Course, module_slug: str) -> Module:
    module = find_module(db.session, course, module_slug)
    if module is None:
        abort(404)
    return module


def published_version(module: Module) -> ModuleVersion:
    """The version a module found by live_module_or_404 shows (find_module ensures one)."""
    if module.current_version is None:
        abort(404)
    return module.current_version


def outline_or_404(slug: str, *, with_certificate: bool = False) -> CourseOutline:
    outline = open_course(db.session, current_user.id, slug, with_certificate=with_certificate)
    if outline is None:
        abort(404)
    return outline


@bp.route("/courses/<slug>")
@login_required
def course(slug: str):
    outline = outline_or_404(slug, with_certificate=True)
    standing = None  # the assignment's status and its words, as the dashboard's badge shows them
    if outline.assignment is not None:
        today = clock.today()
        view = view_of(outline.assignment, today, Thresholds.from_config(current_app.config))
        standing = (view.status, status_text(view, today))
    return render_template("learn/course.html", outline=outline, standing=standing)


@bp.route("/courses/<course_slug>/<module_slug>")
@login_required
def module(course_slug: str, module_slug: str):
    outline = outline_or_404(course_slug)
    module = outline.module(module_slug)
    if module is None:
        abort(404)
    now = clock.now()
    page = open_module(db.session, current_user.id, module, outline.assignment, now)
    html = render_template("learn/module.html", module=module, version=page.version, page=page,
                           outline=outline, seconds_left=page.seconds_left(now),
                           # after an early "Confirm": the box stays ticked, the reason beside the button
                           kept_confirm=request.args.get("confirm") == "yes")
    if page.recorded:  # after rendering: a commit expires every loaded row, and the page reads them
        db.session.commit()
    return html


@bp.route("/courses/<course_slug>/<module_slug>/acknowledge", methods=["POST"])
@login_required
def acknowledge(course_slug: str, module_slug: str):
    module = module_or_404(course_slug, module_slug)
    here = url_for("learn.module", course_slug=course_slug, module_slug=module_slug)
    if request.form.get("confirm") != "yes":
        flash("Tick “I have read and understood” to confirm.", "error")
        return redirect(here + "#acknowledge")
    try:
        acknowledge_module(db.session, current_actor(), current_user.id, module,
                           form_int("version"), clock.now())
    except AcknowledgementError as error:
        flash(str(error), "error")  # the page shows the reason beside the button too
        return redirect(url_for("learn.module", course_slug=course_slug, module_slug=module_slug,
                                confirm="yes") + "#acknowledge")
    db.session.commit()
    flash(f"Recorded: you have read and understood “{published_version(module).title}”.", "success")
    return redirect(next_step_url(module))


def next_step_url(module: Module) -> str:
    """After finishing a module: the next one not done, or the course page."""
    outline = course_outline(db.session, current_user.id, module.course_id)
    following = outline.progress.next_module if outline else None
    if following is not None and outline and outline.assignment and outline.assignment.completed_on is None:
        return url_for("learn.module", course_slug=module.course.slug, module_slug=following.slug)
    return url_for("learn.course", slug=module.course.slug)


