"""Admin pages for regulation updates: drafts with a preview, publishing, published ones read-only."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import select

from trainer import clock
from trainer.compliance.impact import preview as preview_impact
from trainer.compliance.regulation_updates import PublishResult, UpdateError, publish_update
from trainer.compliance.update_drafts import delete_update, people_reached, save_update
from trainer.content.markdown import render_markdown
from trainer.extensions import db
from trainer.models import RegulationUpdate
from trainer.people.directory import names_of
from trainer.web.access import roles_required
from trainer.web.admin import bp
from trainer.web.admin.confirmation import confirmation, is_confirmed
from trainer.web.admin.update_forms import DeleteUpdateForm, UpdateForm
from trainer.web.context import current_actor


@bp.route("/updates")
@roles_required("admin")
def updates():
    rows = db.session.scalars(select(RegulationUpdate).order_by(
        RegulationUpdate.published_at.is_not(None), RegulationUpdate.published_at.desc(),
        RegulationUpdate.id.desc())).all()
    reached = people_reached(db.session, [u.id for u in rows if u.published_at])
    return render_template("admin/updates.html", updates=rows, reached=reached)


@bp.route("/updates/new", methods=["GET", "POST"])
@roles_required("admin")
def new_update():
    return _edit(UpdateForm(), None)


@bp.route("/updates/<int:update_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_update(update_id: int):
    update = db.session.get(RegulationUpdate, update_id) or abort(404)
    if update.published_at is not None:
        reached = people_reached(db.session, [update.id])[update.id]
        return render_template("admin/update_published.html", update=update, reached=reached,
                               people=names_of(db.session, [update.published_by_id]))
    form = UpdateForm()
    if not form.is_submitted():
        form.fill_from(update)
    return _edit(form, update)


def _edit(form: UpdateForm, update: RegulationUpdate | None):
    preview, problem = None, None
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_markdown(form.summary.data or "")
        else:
            def save() -> tuple[RegulationUpdate, PublishResult | None]:
                saved = save_update(db.session, current_actor(), update, form.draft())
                return saved, publish_update(db.session, current_actor(), saved, clock.today()) \
                    if form.publish.data else None

            try:
                if form.publish.data and not is_confirmed():  # first show whom it reaches
                    (_, would), impact = preview_impact(db.session, save, clock.today())
                    form.confirmed.data = confirmation()
                    return render_template(
                        "admin/update_form.html", form=form, update=update, preview=None, problem=None,
                        delete_form=DeleteUpdateForm(), impact=impact,
                        reach=_published_message(would).replace("Published. It reached", "It would reach")
                        if would else None)
                saved, result = save()
            except UpdateError as error:
                db.session.rollback()
                problem = str(error)
            else:
                db.session.commit()
                flash(_published_message(result) if result else "Draft saved. It reaches nobody until "
                      "you publish it.", "success")
                return redirect(url_for("admin.edit_update", update_id=saved.id))
    return render_template("admin/update_form.html", form=form, update=update, preview=preview,
                           problem=problem, delete_form=DeleteUpdateForm())


def _published_message(result: PublishResult) -> str:
    return (f"Published. It reached {result.people} people: {result.retrain} retrain, "
            f"{result.in_progress} part-way through the course, {result.acknowledge} to acknowledge.")


@bp.route("/updates/<int:update_id>/delete", methods=["POST"])
@roles_required("admin")
def delete_update_view(update_id: int):
    update = db.session.get(RegulationUpdate, update_id) or abort(404)
    if DeleteUpdateForm().validate_on_submit():
        try:
            delete_update(db.session, current_actor(), update)
        except UpdateError as error:
            flash(str(error), "error")
            return redirect(url_for("admin.edit_update", update_id=update_id))
        db.session.commit()
        flash("Draft deleted.", "success")
    return redirect(url_for("admin.updates"))
