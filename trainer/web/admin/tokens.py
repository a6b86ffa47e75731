"""Admin pages for API tokens: list, create (shown once), revoke."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import IntegerField, StringField, SubmitField
from wtforms.fields import SelectChoice  # type: ignore[attr-defined]  # types-WTForms lags WTForms 3.3
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from trainer.extensions import db
from trainer.models import API_SCOPES, ApiToken, User
from trainer.notify.links import absolute
from trainer.people.api_tokens import TokenError, create_token, list_tokens, revoke_token
from trainer.web.access import roles_required
from trainer.web.admin import bp
from trainer.web.admin.confirmation import confirm_page, is_confirmed
from trainer.web.admin.requirement_forms import MultiCheckboxField
from trainer.web.context import current_actor
from trainer.web.one_time import keep_for_next_page, take_for_this_page
from trainer.web.params import query_int

SCOPE_LABELS = {"read": "read: employees, completion status, changes",
                "sync": "sync: create, update and deactivate employees",
                "scim": "scim: provisioning by an identity provider (Entra ID, Okta) at /scim/v2"}


class TokenForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)],
                       description="Who or what uses it, e.g. “HRIS nightly sync”.")
    scopes = MultiCheckboxField("Scopes", choices=[SelectChoice(s, SCOPE_LABELS[s]) for s in API_SCOPES],
                                validators=[DataRequired("Choose at least one scope.")])
    expires_days = IntegerField("Expires after (days)", default=90,
                                validators=[Optional(), NumberRange(1, 3650)],
                                description="Leave empty for a token that never expires (not recommended).")
    submit = SubmitField("Create token")


class RevokeForm(FlaskForm):
    submit = SubmitField("Revoke")


@bp.route("/tokens", methods=["GET", "POST"])
@roles_required("admin")
def tokens():
    """The list and the form; a created token redirects to ?created=<id>, which shows it once."""
    form = TokenForm()
    if form.validate_on_submit():
        try:
            created = create_token(db.session, current_actor(), name=form.name.data or "",
                                   scopes=list(form.scopes.data or []),
                                   expires_in_days=form.expires_days.data)
        except TokenError as error:
            form.name.errors = [*form.name.errors, str(error)]
        else:
            keep_for_next_page(_new_token(created.token.id), created.plain)
            db.session.commit()
            return redirect(url_for("admin.tokens", created=created.token.id))
    made = db.session.get(ApiToken, made_id) if (made_id := query_int("created", minimum=1)) else None
    plain = take_for_this_page(_new_token(made.id)) if made else None
    return render_template("admin/tokens.html", form=form, made=made, plain=plain,
                           tokens=list_tokens(db.session), owners=_owners(), revoke_form=RevokeForm(),
                           scim_url=absolute(current_app.config["BASE_URL"], "/scim/v2"),
                           api_url=absolute(current_app.config["BASE_URL"], "/api/v1"))


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@roles_required("admin")
def revoke_api_token(token_id: int):
    token = db.session.get(ApiToken, token_id) or abort(404)
    if RevokeForm().validate_on_submit():
        if not is_confirmed():
            return confirm_page(f"Revoke the token “{token.name}”?", [
                "Every call with this token gets 401 at once: the HR system or identity provider that "
                "uses it stops syncing until it has a new token.",
                "A revoked token cannot be turned back on; you can make a new one."],
                f"Revoke “{token.name}”", url_for("admin.tokens"))
        try:
            revoke_token(db.session, current_actor(), token.id)
        except TokenError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"Token “{token.name}” is revoked; calls with it now get 401.", "success")
    return redirect(url_for("admin.tokens"))


def _new_token(token_id: int) -> str:
    """The one-time secret's purpose: this token's plain text."""
    return f"api-token:{token_id}"


def _owners() -> dict[int, str]:
    ids = {t.created_by_id for t in list_tokens(db.session) if t.created_by_id}
    return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}
