"""`trainer reminders send`: plan and deliver reminder e-mails (cron-safe, several hosts)."""

from __future__ import annotations

import datetime as dt
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from trainer import clock
from trainer.audit import Actor
from trainer.commands.options import as_of_option, scheduled_job
from trainer.config import ConfigError
from trainer.extensions import db
from trainer.notify.mailer import MailNotConfigured
from trainer.notify.run import send_reminders
from trainer.notify.settings import ReminderSettings


@click.group("reminders", help="Reminder e-mails about training.")
def reminders_group() -> None:
    pass


@reminders_group.command("send")
@as_of_option
@click.option("--dry-run", is_flag=True, help="Plan and count, but save and send nothing.")
@with_appcontext
@scheduled_job("reminders send")
def send_command(as_of: dt.date | None, dry_run: bool) -> None:
    """Plan the reminders due today and send them; exits 1 when any could not be delivered."""
    try:
        settings = ReminderSettings.from_config(current_app.config)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    try:
        summary = send_reminders(db.session, settings, clock.today(), dry_run=dry_run, actor=Actor.cli())
    except MailNotConfigured as error:
        raise click.ClickException(f"{error.reason}. Nothing was planned or sent.") from None
    click.echo(summary.text())
    if not summary.ok:
        sys.exit(1)
