"""`trainer mail check`: can Trainer reach and use the mail server as configured?"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from trainer.config import ConfigError
from trainer.notify.mailer import DeliveryError, SmtpMailer
from trainer.notify.settings import ReminderSettings


@click.group("mail", help="The mail server Trainer sends reminders through.")
def mail_group() -> None:
    pass


@mail_group.command("check")
@with_appcontext
def check_command() -> None:
    """Connect, start TLS, sign in and offer the sender address as a real send would; send nothing.

    Prints each step; exits 1 naming the step that failed.
    """
    try:
        settings = ReminderSettings.from_config(current_app.config)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    if settings.mail_unavailable:
        raise click.ClickException(settings.mail_unavailable)
    if settings.smtp is None:
        click.echo("Log-only mail (no TRAINER_SMTP_HOST, or TRAINER_MAIL_BACKEND=log): "
                   "e-mails are written to the log, not sent. Nothing to check.")
        return
    mailer = SmtpMailer(settings.smtp)
    try:
        mailer.check(settings.mail_from, lambda step, detail: click.echo(f"ok    {step}: {detail}"))
    except DeliveryError as error:
        click.echo(f"FAIL  {error.reason}", err=True)
        raise SystemExit(1) from None
    finally:
        mailer.close()
    click.echo(f"The mail server at {settings.smtp.host}:{settings.smtp.port} accepts mail from "
               f"{settings.mail_from}; nothing was sent.")
