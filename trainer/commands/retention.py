"""`trainer retention apply`: pseudonymise long-gone leavers, cut old audit IPs (cron-safe)."""

from __future__ import annotations

import datetime as dt

import click
from flask import current_app
from flask.cli import with_appcontext

from trainer import clock
from trainer.audit import Actor
from trainer.commands.options import as_of_option, scheduled_job
from trainer.extensions import db
from trainer.people.retention import apply_retention


@click.group("retention", help="Stop keeping personal data that has no purpose any more.")
def retention_group() -> None:
    pass


@retention_group.command("apply")
@as_of_option
@click.option("--dry-run", is_flag=True, help="Say what would be done; change nothing.")
@with_appcontext
@scheduled_job("retention apply")
def apply_command(as_of: dt.date | None, dry_run: bool) -> None:
    """Pseudonymise people deactivated longer than TRAINER_RETENTION_DAYS; truncate old IPs."""
    result = apply_retention(
        db.session, Actor.cli(), clock.today(),
        retention_days=int(current_app.config["RETENTION_DAYS"]),
        ip_days=int(current_app.config["AUDIT_IP_DAYS"]),
        dry_run=dry_run,
    )
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run, nothing changed. Would do: {result.summary()}.")
    else:
        db.session.commit()
        click.echo(f"Retention applied: {result.summary()}.")
    for user_id in result.pseudonymised:
        click.echo(f"  user #{user_id}")
