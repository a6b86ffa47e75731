"""The employee's notices: list, mark read, and how often reminder e-mails come."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # types-WTForms lags WTForms 3.3
from wtforms.validators import InputRequired

from trainer.extensions import db
from trainer.notify.inbox import list_notices, mark_all_read, mark_read
from trainer.notify.preferences import DIGEST_FREQUENCIES, set_digest_frequency
from trainer.notify.settings import ReminderSettings
from trainer.web.access import login_required
from trainer.web.context import current_actor
from trainer.web.current import current_user, signed_in_user
from trainer.web.learn import bp
from trainer.web.params import query_int


class PreferencesForm(FlaskForm):
    digest_frequency = RadioField("How often should reminder e-mails come?",
                                  choices=[SelectChoice(v, label) for v, label in DIGEST_FREQUENCIES.items()],
                                  validators=[InputRequired("Choose how often.")])
    submit = SubmitField("Save")


@bp.route("/me/notifications")
@login_required
def notifications():
    return _page(PreferencesForm(digest_frequency=signed_in_user().digest_frequency))


@bp.route("/me/notifications/<int:notification_id>/read", methods=["POST"])
@login_required
def mark_notification_read(notification_id: int):
    if not mark_read(db.session, current_user.id, notification_id):
        abort(404)
    db.session.commit()
    return redirect(url_for("learn.notifications", page=query_int("page", 1, minimum=1)))


@bp.route("/me/notifications/read-all", methods=["POST"])
@login_required
def mark_all_notifications_read():
    count = mark_all_read(db.session, current_user.id)
    db.session.commit()
    flash(f"Marked {count} notice{'s' if count != 1 else ''} as read.", "success")
    return redirect(url_for("learn.notifications"))


@bp.route("/me/notifications/preferences", methods=["POST"])
@login_required
def notification_preferences():
    form = PreferencesForm()
    if not form.validate_on_submit():
        return _page(form)
    user = signed_in_user()
    settings = ReminderSettings.from_config(current_app.config)
    if set_digest_frequency(db.session, current_actor(), user, form.digest_frequency.data, settings):
        db.session.commit()
    flash(f"Saved. Reminder e-mails: {DIGEST_FREQUENCIES[form.digest_frequency.data].lower()}.", "success")
    return redirect(url_for("learn.notifications"))


def _page(form: PreferencesForm):
    notices = list_notices(db.session, current_user.id, query_int("page", 1, minimum=1))
    return render_template("learn/notifications.html", notices=notices, form=form)
