"""Helpers for reminder tests: settings, a run on a frozen day, what the SMTP server got."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from trainer import clock
from trainer.models import Notification
from trainer.notify.planning import plan_reminders
from trainer.notify.run import RunSummary, send_reminders
from trainer.notify.settings import ReminderSettings, SmtpSettings

BASE_URL = "http://trainer.test"


def settings(smtp_server=None, **overrides) -> ReminderSettings:
    """Default reminder settings, delivering to `smtp_server` (None: to the log)."""
    smtp = SmtpSettings(smtp_server.host, smtp_server.port, timeout=5) if smtp_server else None
    return dataclasses.replace(ReminderSettings(base_url=BASE_URL, mail_from="trainer@shop.example",
                                                smtp=smtp), **overrides)


def run(session, moment: dt.date | dt.datetime, reminder_settings: ReminderSettings, **kwargs) -> RunSummary:
    """One `trainer reminders send` at `moment` (a date: noon UTC), in-process."""
    with clock.frozen(moment) as now:
        return send_reminders(session, reminder_settings, now.date(), **kwargs)


def plan(session, day: dt.date, reminder_settings: ReminderSettings | None = None):
    with clock.frozen(day):
        return plan_reminders(session, day, reminder_settings or settings())


def keys(session) -> list[str]:
    return list(session.scalars(select(Notification.dedupe_key).order_by(Notification.id)))


def rows(session) -> list[Notification]:
    session.expire_all()
    return list(session.scalars(select(Notification).order_by(Notification.id)))


def received(smtp_server) -> list[tuple[str, tuple[str, ...]]]:
    """(recipient, kinds) for each e-mail the server accepted, in order."""
    return [(r.recipients[0], tuple(r.message["X-Trainer-Reminders"].split(", ")))
            for r in smtp_server.messages]


def text_of(received_message) -> str:
    return received_message.message.get_body(("plain",)).get_content()


def html_of(received_message) -> str:
    return received_message.message.get_body(("html",)).get_content()
