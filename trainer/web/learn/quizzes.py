"""Quiz pages: take a quiz, submit it once, see the result."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from trainer import clock
from trainer.compliance.completion import current_assignment
from trainer.extensions import db
from trainer.learning.attempts import (
    CooldownError,
    StaleVersionError,
    attempt_by_token,
    cooldown_until,
    find_attempt,
    graded_for,
    open_attempt,
    shown_questions,
    submit_attempt,
)
from trainer.learning.outline import course_outline
from trainer.learning.quiz import AnswerError, field_name
from trainer.learning.reading import completed_by_acknowledgement, reading_wait
from trainer.models import Module
from trainer.web.access import login_required
from trainer.web.context import current_actor
from trainer.web.current import current_user
from trainer.web.learn import bp
from trainer.web.learn.courses import module_or_404, published_version
from trainer.web.params import form_int


def quiz_module_or_404(course_slug: str, module_slug: str) -> Module:
    module = module_or_404(course_slug, module_slug)
    if completed_by_acknowledgement(published_version(module)):
        abort(404)
    return module


def reading_refusal(module: Module):
    """A redirect to the module, with the reason, while its reading time is not over (else None).

    Server-side: the quiz of a lesson with `min_read_seconds` opens that long after this
    cycle's first visit of the module, however the quiz page is reached.
    """
    version = published_version(module)
    if not version.min_read_seconds:
        return None
    assignment = current_assignment(db.session, current_user.id, module.course_id)
    wait = reading_wait(db.session, current_user.id, version, assignment, clock.now())
    if wait.opened and not wait.seconds_left:
        return None
    flash(wait.reason("the quiz opens"), "error")
    here = url_for("learn.module", course_slug=module.course.slug, module_slug=module.slug)
    return redirect(here + "#quiz")


@bp.route("/courses/<course_slug>/<module_slug>/quiz")
@login_required
def quiz(course_slug: str, module_slug: str):
    module = quiz_module_or_404(course_slug, module_slug)
    refused = reading_refusal(module)
    if refused is not None:
        return refused
    try:
        attempt = open_attempt(db.session, current_user.id, published_version(module), clock.now())
    except CooldownError as pause:
        flash(str(pause), "error")
        return redirect(url_for("learn.module", course_slug=course_slug, module_slug=module_slug) + "#quiz")
    page = render_quiz(module, attempt, {})
    # Committed after rendering: a commit expires every loaded row, and the page reads them.
    db.session.commit()
    return page


def render_quiz(module, attempt, submitted, unanswered=(), status=200):
    return render_template(
        "learn/quiz.html", module=module, version=attempt.module_version, attempt=attempt,
        questions=shown_questions(attempt), submitted=submitted, unanswered=set(unanswered),
        field_name=field_name,
    ), status


@bp.route("/courses/<course_slug>/<module_slug>/quiz", methods=["POST"])
@login_required
def submit_quiz(course_slug: str, module_slug: str):
    module = quiz_module_or_404(course_slug, module_slug)
    refused = reading_refusal(module)
    if refused is not None:
        return refused
    attempt = attempt_by_token(db.session, current_user.id, request.form.get("token", ""))
    if attempt is None or attempt.module_version.module_id != module.id:
        abort(404)
    submitted = {k: request.form.getlist(k) for k in request.form if k.startswith("q-")}
    try:
        outcome = submit_attempt(db.session, current_actor(), attempt,
                                 form_int("version"), submitted, clock.now())
    except StaleVersionError as error:
        flash(str(error), "error")
        return redirect(url_for("learn.module", course_slug=course_slug, module_slug=module_slug))
    except AnswerError as error:
        flash(f"{error} Nothing was recorded; please answer the questions below.", "error")
        return redirect(url_for("learn.quiz", course_slug=course_slug, module_slug=module_slug))
    if outcome.unanswered:
        count = len(outcome.unanswered)
        flash(f"Please answer every question: {count} {'is' if count == 1 else 'are'} not answered yet.",
              "error")
        return render_quiz(module, attempt, submitted, outcome.unanswered, 422)
    db.session.commit()
    if outcome.already_submitted:
        flash("These answers were already submitted; here is the result.", "info")
    return redirect(url_for("learn.attempt_result", attempt_id=attempt.id))


@bp.route("/me/attempts/<int:attempt_id>")
@login_required
def attempt_result(attempt_id: int):
    attempt = find_attempt(db.session, current_user.id, attempt_id)
    if attempt is None:
        abort(404)
    module = attempt.module_version.module
    if attempt.submitted_at is None:
        return redirect(url_for("learn.quiz", course_slug=module.course.slug, module_slug=module.slug))
    graded, reveal = graded_for(attempt)
    pause = None if attempt.passed else cooldown_until(db.session, current_user.id, attempt.module_version,
                                                        clock.now())
    return render_template(
        "learn/result.html", attempt=attempt, module=module, version=attempt.module_version,
        graded=graded, reveal=reveal, pause=pause,
        outline=course_outline(db.session, current_user.id, module.course_id, with_certificate=True),
    )
