"""Acknowledgements: per regulation update and per policy version, who has, who has not yet,
who is late; and "remind the outstanding"."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from trainer import clock
from trainer.extensions import db
from trainer.models import ModuleVersion, RegulationUpdate
from trainer.notify.nudges import remind_assignments, remind_update
from trainer.reports.acknowledgements import (
    ACK_LABELS,
    ACK_STATUSES,
    outstanding_people,
    policy_rows,
    policy_summaries,
    update_rows,
    update_summaries,
)
from trainer.reports.choices import filter_choices
from trainer.reports.pagination import paginate_rows
from trainer.web.access import roles_required
from trainer.web.context import current_actor
from trainer.web.hr import bp
from trainer.web.hr.common import page_number, request_filter


class RemindForm(FlaskForm):
    """"Remind the outstanding": a button, CSRF-protected."""


def _status() -> str | None:
    status = request.args.get("status") or None
    return status if status in ACK_STATUSES else None


@bp.route("/acknowledgements")
@roles_required("hr", "admin", "auditor")
def acknowledgements():
    filters = request_filter(course_id=None, status=None)
    today = clock.today()
    return render_template("hr/acknowledgements.html", filters=filters,
                           choices=filter_choices(db.session, filters),
                           updates=update_summaries(db.session, filters, today),
                           policies=policy_summaries(db.session, filters, today))


@bp.route("/acknowledgements/updates/<int:update_id>")
@roles_required("hr", "admin", "auditor")
def update_acknowledgements(update_id: int):
    update = _update(update_id)
    filters = request_filter(course_id=None, status=None)
    today = clock.today()
    summary = next(s for s in update_summaries(db.session, filters, today) if s.update.id == update.id)
    rows = paginate_rows(db.session, update_rows(update.id, filters, today, _status()), page_number())
    return render_template("hr/acknowledgement.html", title=f"{update.regulation}: {update.title}",
                           counts=summary.counts, rows=rows, filters=filters, status=_status(),
                           choices=filter_choices(db.session, filters), labels=ACK_LABELS,
                           endpoint="hr.update_acknowledgements", key={"update_id": update.id},
                           remind_url=url_for("hr.remind_update_acknowledgements", update_id=update.id,
                                              **filters.args()),
                           form=RemindForm(), update=update, version=None)


@bp.route("/acknowledgements/updates/<int:update_id>/remind", methods=["POST"])
@roles_required("hr", "admin")
def remind_update_acknowledgements(update_id: int):
    update = _update(update_id)
    filters = request_filter(course_id=None, status=None)
    today = clock.today()
    people = outstanding_people(db.session, update_rows(update.id, filters, today))
    result = remind_update(db.session, current_actor(), update, people, today)
    db.session.commit()
    flash(result.summary(), "success")
    return redirect(url_for("hr.update_acknowledgements", update_id=update.id, **filters.args()))


@bp.route("/acknowledgements/policies/<int:version_id>")
@roles_required("hr", "admin", "auditor")
def policy_acknowledgements(version_id: int):
    version = _policy(version_id)
    filters = request_filter(course_id=None, status=None)
    today = clock.today()
    summary = next(s for s in policy_summaries(db.session, filters, today) if s.version.id == version.id)
    rows = paginate_rows(db.session, policy_rows(version, filters, today, _status()), page_number())
    return render_template("hr/acknowledgement.html",
                           title=f"{summary.course.title}: {version.title}, version {version.number}",
                           counts=summary.counts, rows=rows, filters=filters, status=_status(),
                           choices=filter_choices(db.session, filters), labels=ACK_LABELS,
                           endpoint="hr.policy_acknowledgements", key={"version_id": version.id},
                           remind_url=url_for("hr.remind_policy_acknowledgements", version_id=version.id,
                                              **filters.args()),
                           form=RemindForm(), update=None, version=summary)


@bp.route("/acknowledgements/policies/<int:version_id>/remind", methods=["POST"])
@roles_required("hr", "admin")
def remind_policy_acknowledgements(version_id: int):
    version = _policy(version_id)
    filters = request_filter(course_id=None, status=None)
    today = clock.today()
    people = outstanding_people(db.session, policy_rows(version, filters, today))
    result = remind_assignments(db.session, current_actor(), people, [version.module.course_id], today,
                                action="acknowledgements.reminded", target=version)
    db.session.commit()
    flash(result.summary(), "success")
    return redirect(url_for("hr.policy_acknowledgements", version_id=version.id, **filters.args()))


def _update(update_id: int) -> RegulationUpdate:
    update = db.session.get(RegulationUpdate, update_id)
    if update is None or update.action != "acknowledge" or update.published_at is None:
        abort(404)
    return update


def _policy(version_id: int) -> ModuleVersion:
    version = db.session.get(ModuleVersion, version_id)
    if version is None or version.kind != "policy":
        abort(404)
    return version
