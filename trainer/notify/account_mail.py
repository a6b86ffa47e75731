"""E-mails about someone's account. Reset links are sent at once (not through the outbox);
invitations go through the outbox (identity/invitations.py) but are worded here too.

A password-reset link is a secret: it is put in the e-mail and nowhere else, so it cannot
wait in the outbox table for a retry. If the mail server is down the person is told nothing
different (that would reveal the account) and can ask again; the failure is logged.
"""

from __future__ import annotations

import logging
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

from trainer import clock
from trainer.logs import without_addresses
from trainer.notify.compose import template_environment
from trainer.notify.mailer import DeliveryError, open_mailer
from trainer.notify.settings import ReminderSettings

log = logging.getLogger(__name__)


def password_reset_message(settings: ReminderSettings, *, name: str, email: str, link: str) -> EmailMessage:
    return account_message(settings, "password_reset", name=name, email=email,
                           subject=f"Reset your {settings.organisation_name} training password",
                           context={"link": link})


def account_message(settings: ReminderSettings, template: str, *, name: str, email: str, subject: str,
                    context: dict[str, Any]) -> EmailMessage:
    """An e-mail to one person about their account, from `<template>.txt` and `.html`."""
    context = {"name": name, "organisation": settings.organisation_name, **context}
    environment = template_environment()
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = Address(f"{settings.organisation_name} training", addr_spec=settings.mail_from)
    message["To"] = Address(name, addr_spec=email)
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = make_msgid("account", domain=settings.mail_from.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(environment.get_template(f"{template}.txt").render(context))
    message.add_alternative(environment.get_template(f"{template}.html").render(context), subtype="html")
    return message


def send_now(settings: ReminderSettings, message: EmailMessage, about: str) -> bool:
    """Send one message straight away; False (and a log line) if the server refused it.

    `about` names the e-mail in log lines ("a password-reset e-mail for user 42"): never
    the address, never the link."""
    if settings.smtp is None and settings.mail_unavailable is None:  # log-only mail
        log.info("%s was not sent (no SMTP host)", about)
        return True
    try:
        with open_mailer(settings) as mailer:
            mailer.send(message)
    except DeliveryError as error:
        log.error("%s was not sent: %s", about, without_addresses(error.reason))
        return False
    return True
