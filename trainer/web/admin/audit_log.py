"""The audit log: filter, page through, and verify the hash chain on request."""

from __future__ import annotations

import json

from flask import render_template, request
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.fields import SelectChoice  # type: ignore[attr-defined]  # types-WTForms lags WTForms 3.3
from wtforms.validators import Length, Optional

from trainer.extensions import db
from trainer.people.directory import names_of
from trainer.reports.audit_log import (
    AuditFilter,
    UnknownActor,
    actor_filter,
    check_chain,
    search_events,
    target_types,
)
from trainer.web.access import roles_required
from trainer.web.admin import bp
from trainer.web.params import query_int


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    actor = StringField("Who (e-mail, user id, cli or system)", validators=[Optional(), Length(max=254)])
    action = StringField("Action starts with", validators=[Optional(), Length(max=60)],
                         description="e.g. user. or module.published")
    target_type = SelectField("Record type", validators=[Optional()])
    target_id = StringField("Record id", validators=[Optional(), Length(max=64)])
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])


class VerifyForm(FlaskForm):
    """The "Verify chain" button (POST: it reads the whole trail)."""


@bp.route("/audit", methods=["GET"])
@roles_required("admin", "auditor")
def audit_log():
    return _audit_page(chain=None)


@bp.route("/audit/verify", methods=["POST"])
@roles_required("admin", "auditor")
def verify_audit_chain():
    # CSRF is checked before the view runs (CSRFProtect); the filters stay in the query string.
    return _audit_page(chain=check_chain(db.session))


def _audit_page(chain):
    form = AuditFilterForm(request.args)
    types = target_types(db.session)
    form.target_type.choices = [SelectChoice("", "Any"), *(SelectChoice(t, t) for t in types)]
    form.validate()
    problem = None
    try:
        actor_id, actor_label = actor_filter(db.session, form.actor.data or "")
    except UnknownActor as error:
        actor_id, actor_label, problem = -1, None, str(error)  # -1: matches nothing
    filters = AuditFilter(
        actor_id=actor_id, actor_label=actor_label, action=(form.action.data or "").strip(),
        target_type=form.target_type.data if not form.target_type.errors else "",
        target_id=(form.target_id.data or "").strip(),
        since=form.since.data if not form.since.errors else None,
        until=form.until.data if not form.until.errors else None)
    events = search_events(db.session, filters, query_int("page", 1, minimum=1))
    names = names_of(db.session, [e.actor_id for e in events.items])
    return render_template("admin/audit_log.html", form=form, events=events, names=names, chain=chain,
                           problem=problem, verify_form=VerifyForm(), pretty=_pretty)


def _pretty(details: object) -> str:
    return json.dumps(details, indent=2, sort_keys=True, ensure_ascii=False)
