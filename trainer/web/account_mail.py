"""Sending account e-mails from a request: after the response has gone."""

from __future__ import annotations

from flask import after_this_request, current_app, url_for

from trainer.notify.account_mail import password_reset_message, send_now
from trainer.notify.links import absolute
from trainer.notify.settings import ReminderSettings
from trainer.people.password_reset import ResetRequest


def send_reset_link_after_response(reset: ResetRequest) -> None:
    """E-mail the reset link once the response is sent, so timing reveals nothing."""
    settings = ReminderSettings.from_config(current_app.config)
    link = absolute(settings.base_url, url_for("auth.reset_password", token=reset.token))
    message = password_reset_message(settings, name=reset.name, email=reset.email, link=link)

    @after_this_request
    def send_later(response):
        response.call_on_close(lambda: send_now(settings, message))
        return response
