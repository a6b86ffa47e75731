"""`trainer assignments sync`: materialise assignments from requirements (cron-safe)."""

from __future__ import annotations

import datetime as dt

import click
from flask import current_app
from flask.cli import with_appcontext

from trainer import clock
from trainer.audit import Actor
from trainer.commands.options import as_of_option, scheduled_job
from trainer.compliance.sync import sync_assignments
from trainer.extensions import db


@click.group("assignments", help="Who must do which course by when.")
def assignments_group() -> None:
    pass


@assignments_group.command("sync")
@as_of_option
@with_appcontext
@scheduled_job("assignments sync")
def sync_command(as_of: dt.date | None) -> None:
    """Assign, refresh and close assignments so they match the requirements today."""
    today = clock.today()
    result = sync_assignments(
        db.session, today, actor=Actor.cli(),
        refresher_window_days=int(current_app.config["REFRESHER_WINDOW_DAYS"]),
    )
    db.session.commit()
    click.echo(f"Assignments on {today.isoformat()}: {result.summary()}.")
