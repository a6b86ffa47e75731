"""Digest -> e-mail: plain text and HTML parts from Jinja2 templates kept in notify/templates."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from trainer import clock
from trainer.notify.digest import Digest
from trainer.notify.links import NOTIFICATIONS_PATH, TEAM_PATH, absolute
from trainer.notify.settings import ReminderSettings
from trainer.notify.wording import change_note, headline, subject_line

# An HR digest may cover hundreds of people; the e-mail names the first ones only.
MAX_TEAM_LINES = 50


@dataclasses.dataclass(frozen=True)
class Line:
    text: str
    next_title: str | None = None
    url: str | None = None
    change_note: str | None = None  # reopened training: what changed


@cache
def template_environment() -> Environment:
    # HTML templates are autoescaped: course titles and names are data, never markup.
    return Environment(
        loader=PackageLoader("trainer.notify", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def compose(digest: Digest, settings: ReminderSettings, today: dt.date) -> EmailMessage:
    """The e-mail for one digest, with Message-ID, Date and both parts."""
    context = {
        "name": digest.name,
        "organisation": settings.organisation_name,
        "own": [Line(headline(i, today), i.next_title, absolute(settings.base_url, i.path or "/"),
                     change_note(i)) for i in digest.own],
        "team": [Line(headline(i, today)) for i in digest.team[:MAX_TEAM_LINES]],
        "team_more": max(0, len(digest.team) - MAX_TEAM_LINES),
        "home_url": absolute(settings.base_url, "/"),
        "team_url": absolute(settings.base_url, TEAM_PATH),
        "preferences_url": absolute(settings.base_url, NOTIFICATIONS_PATH),
        "weekly": digest.weekly,
    }
    environment = template_environment()
    message = EmailMessage()
    message["Subject"] = subject_line(digest.own, digest.team, today)
    message["From"] = Address(f"{settings.organisation_name} training", addr_spec=settings.mail_from)
    message["To"] = Address(digest.name, addr_spec=digest.email)
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = message_id(digest.notification_ids, settings)
    # RFC 3834: out-of-office robots should not answer; the kinds let people filter.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Trainer-Reminders"] = ", ".join(digest.kinds)
    message.set_content(environment.get_template("digest.txt").render(context))
    message.add_alternative(environment.get_template("digest.html").render(context), subtype="html")
    return message


def message_id(notification_ids: list[int], settings: ReminderSettings) -> str:
    """The same outbox rows always get the same Message-ID, so that if an e-mail is sent
    again (the server took it but its answer was lost) receiving systems can drop the copy.
    The installation's address is hashed in: two Trainers never share an id."""
    rows = ",".join(str(id_) for id_ in sorted(notification_ids))
    digest = hashlib.sha256(f"{settings.base_url}|{rows}".encode()).hexdigest()[:20]
    return f"<reminder.{min(notification_ids)}.{digest}@{_domain(settings.mail_from)}>"


def _domain(address: str) -> str:
    return address.rpartition("@")[2] or "trainer.invalid"
