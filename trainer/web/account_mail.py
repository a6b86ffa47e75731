"""Account e-mails from a request: reset links are made and sent after the response;
invitations go through the outbox and are sent at once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from email.message import EmailMessage

from flask import Flask, Response, after_this_request, current_app, url_for
from sqlalchemy.sql.elements import ColumnElement

from trainer.audit import Actor
from trainer.extensions import db
from trainer.identity.inviting import Invited, invite
from trainer.identity.policy import PasswordPolicy
from trainer.notify.account_mail import password_reset_message, send_now
from trainer.notify.links import absolute
from trainer.notify.settings import ReminderSettings
from trainer.people.password_reset import ResetRequest, request_reset
from trainer.web.context import current_actor

log = logging.getLogger(__name__)


def send_reset_link_after_response(reset: ResetRequest) -> None:
    """E-mail a reset link already made (an admin's "send reset link") after the response."""
    settings = ReminderSettings.from_config(current_app.config)
    link_base = _reset_link_base(settings)
    _after_response(lambda: send_now(settings, _message(settings, link_base, reset), _about(reset)))


def reset_by_email_after_response(email: str, actor: Actor, policy: PasswordPolicy) -> None:
    """The public "forgot password" form: answer first, then look the address up, make the
    link and mail it. Known and unknown addresses get the same response after the same work
    (form check, redirect), so its timing says nothing about who has an account."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]  # werkzeug LocalProxy
    settings = ReminderSettings.from_config(app.config)
    link_base = _reset_link_base(settings)

    def reset_and_mail() -> None:
        with app.app_context():
            reset = request_reset(db.session, actor, email, policy)
            db.session.commit()
        if reset is not None:
            send_now(settings, _message(settings, link_base, reset), _about(reset))

    _after_response(reset_and_mail)


def _about(reset: ResetRequest) -> str:
    return f"a password-reset e-mail for user {reset.user_id}"


def _reset_link_base(settings: ReminderSettings) -> str:
    # Built while the request is here (url_for needs it); the token is appended later.
    return absolute(settings.base_url, url_for("auth.reset_password", token="-"))[:-1]  # noqa: S106 (a placeholder)


def _message(settings: ReminderSettings, link_base: str, reset: ResetRequest) -> EmailMessage:
    return password_reset_message(settings, name=reset.name, email=reset.email, link=link_base + reset.token)


def _after_response(work: Callable[[], object]) -> None:
    def run() -> None:
        try:
            work()
        except Exception:  # the person already has their answer; the operator gets the log
            log.exception("account e-mail work after the response failed")

    @after_this_request
    def later(response: Response) -> Response:
        response.call_on_close(run)
        return response


def invite_now(who: ColumnElement[bool]) -> Invited:
    """Invite the people `who` selects who never signed in, and send it now (commits)."""
    settings = ReminderSettings.from_config(current_app.config)
    return invite(db.session, settings, current_actor(), who)


def invited_message(invited: Invited, whom: str) -> tuple[str, str]:
    """The flash (text, category) after inviting `whom`."""
    if invited.retrying:
        return (f"The invitation to {whom} could not be sent just now: the mail server did not take it. "
                "The next reminder run tries again.", "error")
    if not invited.delivery.sent:
        return (f"No invitation went out now: {whom} signed in already, or an earlier invitation waits "
                "for the mail server and goes with the next reminder run.", "info")
    return f"Invitation sent to {whom}.", "success"
