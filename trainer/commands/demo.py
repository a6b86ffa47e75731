"""`trainer demo`: a demo organisation for trying Trainer out (used by `make run`)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from trainer.compliance.status import Thresholds
from trainer.demo import create_demo_organisation, demo_logins_path, has_people


@click.command("demo", help="Create a demo organisation with logins for each role.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has people.")
@with_appcontext
def demo_command(if_empty: bool) -> None:
    from trainer.extensions import db

    logins_file = demo_logins_path(current_app.instance_path)
    if has_people(db.session):
        if if_empty:
            click.echo("Demo: the database already has people; nothing created.")
            return
        raise click.ClickException("The database already has people; the demo needs an empty one.")
    logins = create_demo_organisation(
        db.session, logins_file, thresholds=Thresholds.from_config(current_app.config),
        refresher_window_days=int(current_app.config["REFRESHER_WINDOW_DAYS"]),
    )
    db.session.commit()
    click.echo(f"Demo organisation created. Logins (also in {logins_file}):")
    for line in logins:
        click.echo("  " + line)
