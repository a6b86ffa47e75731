"""Admin pages for requirements: list, create and edit with a preview, pause, retire."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for

from trainer import clock
from trainer.compliance.impact import preview as preview_impact
from trainer.compliance.requirements import (
    RequirementError,
    create_requirement,
    describe,
    preview,
    requirements_with_counts,
    set_status,
    update_requirement,
)
from trainer.compliance.sync import SyncResult, sync_assignments
from trainer.extensions import db
from trainer.models import Requirement
from trainer.web.access import roles_required
from trainer.web.admin import bp
from trainer.web.admin.confirmation import confirm_page, confirmation, is_confirmed
from trainer.web.admin.requirement_forms import RequirementForm, StatusForm
from trainer.web.context import current_actor


@bp.route("/requirements")
@roles_required("admin")
def requirements():
    return render_template("admin/requirements.html", requirements=requirements_with_counts(db.session),
                           describe=describe, status_form=StatusForm())


@bp.route("/requirements/new", methods=["GET", "POST"])
@roles_required("admin")
def new_requirement():
    form = RequirementForm()
    return _edit(form, None)


@bp.route("/requirements/<int:requirement_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_requirement(requirement_id: int):
    requirement = db.session.get(Requirement, requirement_id) or abort(404)
    form = RequirementForm()
    if not form.is_submitted():
        form.fill_from(requirement)
    return _edit(form, requirement)


def _edit(form: RequirementForm, requirement: Requirement | None):
    outcome = None
    if form.validate_on_submit():
        spec = form.to_spec()
        if form.preview.data:
            outcome = preview(db.session, spec).sentence()
        else:
            def save() -> tuple[Requirement, SyncResult]:
                saved = (update_requirement(db.session, current_actor(), requirement, spec)
                         if requirement else create_requirement(db.session, current_actor(), spec))
                return saved, _sync()

            try:
                if not is_confirmed():  # first show whom saving assigns
                    _, impact = preview_impact(db.session, save, clock.today())
                    form.confirmed.data = confirmation()
                    return render_template("admin/requirement_form.html", form=form, requirement=requirement,
                                           preview=None, impact=impact)
                saved, result = save()
            except RequirementError as error:
                form.name.errors = [*form.name.errors, str(error)]
            else:
                db.session.commit()
                flash(f"Saved “{saved.name}”. Assignments: {result.summary()}.", "success")
                return redirect(url_for("admin.requirements"))
    return render_template("admin/requirement_form.html", form=form, requirement=requirement,
                           preview=outcome)


@bp.route("/requirements/<int:requirement_id>/status", methods=["POST"])
@roles_required("admin")
def requirement_status(requirement_id: int):
    requirement = db.session.get(Requirement, requirement_id) or abort(404)
    form = StatusForm()
    if form.validate_on_submit():
        if form.status.data == "retired" and not is_confirmed():
            return confirm_page(f"Retire the requirement “{requirement.name}”?", [
                "Nobody is assigned the course by this rule any more; open assignments it alone "
                "holds are closed.",
                "Completions are kept as evidence.",
                "A retired requirement cannot be resumed; pausing it can."],
                f"Retire “{requirement.name}”", url_for("admin.requirements"))
        try:
            set_status(db.session, current_actor(), requirement, form.status.data)
        except RequirementError as error:
            flash(str(error), "error")
        else:
            _sync_and_commit(f"“{requirement.name}” is now {requirement.status}.")
    return redirect(url_for("admin.requirements"))


def _sync() -> SyncResult:
    return sync_assignments(
        db.session, clock.today(), actor=current_actor(),
        refresher_window_days=int(current_app.config["REFRESHER_WINDOW_DAYS"]),
    )


def _sync_and_commit(message: str) -> None:
    result = _sync()
    db.session.commit()
    flash(f"{message} Assignments: {result.summary()}.", "success")
