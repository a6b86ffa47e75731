"""Administrators: e-mails that could not be delivered, and sending them again."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for

from trainer.extensions import db
from trainer.notify.outbox import failed_deliveries, retry_all_failed, retry_delivery, retrying_count
from trainer.notify.settings import ReminderSettings
from trainer.web.access import roles_required
from trainer.web.admin import bp
from trainer.web.context import current_actor
from trainer.web.params import query_int


@bp.route("/mail")
@roles_required("admin")
def mail_failures():
    failures = failed_deliveries(db.session, query_int("page", 1, minimum=1))
    # Without a mail server nothing reaches anyone: say so plainly, not "everything delivered".
    settings = ReminderSettings.from_config(current_app.config)
    return render_template("admin/mail.html", failures=failures, retrying=retrying_count(db.session),
                           log_only=settings.smtp is None, unavailable=settings.mail_unavailable)


@bp.route("/mail/<int:notification_id>/retry", methods=["POST"])
@roles_required("admin")
def retry_mail(notification_id: int):
    if not retry_delivery(db.session, current_actor(), notification_id):
        abort(404)
    db.session.commit()
    flash("The e-mail will be sent again with the next reminder run.", "success")
    return redirect(url_for("admin.mail_failures"))


@bp.route("/mail/retry-all", methods=["POST"])
@roles_required("admin")
def retry_all_mail():
    count = retry_all_failed(db.session, current_actor())
    db.session.commit()
    flash(f"{count} e-mail{'s' if count != 1 else ''} will be sent again with the next reminder run.",
          "success")
    return redirect(url_for("admin.mail_failures"))
