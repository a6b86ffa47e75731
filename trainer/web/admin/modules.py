"""The module editor: preview, save a draft, publish minor or major, discard the draft."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from trainer import clock
from trainer.compliance.impact import Impact, preview
from trainer.compliance.publishing import ModuleEdit
from trainer.content.authoring import (
    AuthoringError,
    Checked,
    EditConflict,
    check_source,
    discard_draft,
    draft_of,
    editor_state,
    preview_of,
    save_draft,
    stamp,
    working_title,
)
from trainer.content.diff import side_by_side
from trainer.content.errors import ValidationFailed
from trainer.content.review import reviews_needed
from trainer.extensions import db
from trainer.models import Module
from trainer.people.directory import names_of
from trainer.web.access import roles_required
from trainer.web.admin import bp
from trainer.web.admin.confirmation import confirmation, is_confirmed
from trainer.web.admin.follow_up import publish
from trainer.web.admin.lookups import course_or_404, module_or_404
from trainer.web.admin.module_forms import DiscardForm, EditorForm
from trainer.web.context import current_actor


@bp.route("/courses/<slug>/modules/<module_slug>", methods=["GET", "POST"])
@roles_required("admin")
def edit_module(slug: str, module_slug: str):
    module = module_or_404(course_or_404(slug), module_slug)
    form = EditorForm()
    if not form.is_submitted():
        form.start_from(editor_state(db.session, module))
        return _editor(module, form)
    if not form.validate():
        return _editor(module, form, status=400)
    if form.publish.data:
        return _publish(module, form)
    if form.save_draft.data:
        return _save(module, form)
    if form.rebase.data:
        return _rebase(module, form)
    return _editor(module, form, checked=check_source(form.source.data or ""))


def _publish(module: Module, form: EditorForm):
    source = ModuleEdit(module, form.publication())
    try:
        if not is_confirmed():  # first show what publishing does to people's training
            _, impact = preview(db.session, lambda: publish(source), clock.today())
            form.confirmed.data = confirmation()
            return _editor(module, form, impact=impact)
        published = publish(source)
    except EditConflict as conflict:
        return _editor(module, form, conflict=conflict, status=409)
    except ValidationFailed as failed:
        return _editor(module, form, checked=Checked(None, failed.errors), status=400)
    except AuthoringError as error:
        return _editor(module, form, problem=str(error), status=400)
    version, follow_up = published.version, published.follow_up
    assert version is not None and follow_up is not None
    db.session.commit()
    reopened = f" {follow_up.reopened} people must take it again." if version.change == "major" else ""
    flash(f"Published version {version.number} ({version.change_label}).{reopened}", "success")
    return redirect(url_for("admin.module_versions", slug=module.course.slug, module_slug=module.slug))


def _save(module: Module, form: EditorForm):
    source = form.source.data or ""
    try:
        save_draft(db.session, current_actor(), module, source, form.base_id(), form.draft_stamp.data or "")
    except EditConflict as conflict:
        return _editor(module, form, conflict=conflict, status=409)
    db.session.commit()
    problems = len(check_source(source).errors)
    note = f" It has {problems} problem(s) to fix before it can be published; Preview lists them." \
        if problems else ""
    flash(f"Draft saved. Employees do not see drafts.{note}", "warning" if problems else "success")
    return redirect(url_for("admin.edit_module", slug=module.course.slug, module_slug=module.slug))


def _rebase(module: Module, form: EditorForm):
    """The author has seen the other change and continues from the current state."""
    form.base_version_id.data = str(module.current_version_id or "")
    form.draft_stamp.data = stamp(draft_of(db.session, module))
    number = module.current_version.number if module.current_version else None
    message = (f"You are now editing on top of version {number}. Make sure its changes are in your "
               "text before you publish." if number else "You are now editing on top of the current draft.")
    return _editor(module, form, problem=message, problem_kind="info")


def _editor(module: Module, form: EditorForm, *, checked: Checked | None = None,
            conflict: EditConflict | None = None, problem: str | None = None,
            problem_kind: str = "error", status: int = 200, impact: Impact | None = None):
    draft = draft_of(db.session, module)
    current = module.current_version
    conflict_diff = _conflict_diff(conflict, form.source.data or "") if conflict else None
    people = names_of(db.session, [draft.updated_by_id if draft else None,
                                   current.published_by_id if current else None])
    preview = preview_of(checked.parsed) if checked and checked.parsed else None
    return render_template(
        "admin/module_editor.html", course=module.course, module=module, form=form, draft=draft,
        current=current, checked=checked, preview=preview, conflict=conflict, conflict_diff=conflict_diff,
        people=people, title=working_title(module, draft),
        problem=problem, problem_kind=problem_kind, lines=(form.source.data or "").split("\n"),
        discard_form=DiscardForm(draft_stamp=stamp(draft)), impact=impact,
        review_needed=reviews_needed(db.session, module_ids=[module.id]),
    ), status


def _conflict_diff(conflict: EditConflict, mine: str):
    if conflict.current is not None:
        return side_by_side(conflict.base.source if conflict.base else "", conflict.current.source)
    return side_by_side(conflict.draft.source if conflict.draft else "", mine)


@bp.route("/courses/<slug>/modules/<module_slug>/discard", methods=["POST"])
@roles_required("admin")
def discard_module_draft(slug: str, module_slug: str):
    module = module_or_404(course_or_404(slug), module_slug)
    form = DiscardForm()
    if form.validate_on_submit():
        try:
            discard_draft(db.session, current_actor(), module, form.draft_stamp.data or "")
        except EditConflict as conflict:
            flash(str(conflict), "error")
        else:
            db.session.commit()
            flash("Draft discarded.", "success")
    return redirect(url_for("admin.edit_module", slug=slug, module_slug=module_slug))
