"""The `trainer` console script: Flask's CLI (run, db, shell) plus Trainer's commands.

Commands are thin: parse options, call a domain function, print a summary, exit non-zero
on failure. They live in trainer/commands/, one module per topic.
"""

from __future__ import annotations

import sys
from typing import Any

import click
from flask import Flask
from flask.cli import FlaskGroup
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from trainer.commands.serve import run_command
from trainer.config import ConfigError


def _create_app() -> Flask:
    from trainer import create_app

    try:
        return create_app({"CLI": True})  # the CLI's longer database time limits
    except ConfigError as error:
        click.echo(f"trainer: configuration error: {error}", err=True)
        sys.exit(2)


def register_commands(app: Flask) -> None:
    from trainer.commands import COMMANDS

    for command in COMMANDS:
        app.cli.add_command(command)
    from trainer.commands.backup import backup_command

    db_group = app.cli.commands["db"]  # Flask-Migrate's group, added by migrate.init_app
    assert isinstance(db_group, click.Group)
    db_group.add_command(backup_command)  # `trainer db backup`, beside upgrade and friends


class TrainerGroup(FlaskGroup):
    """Flask's CLI group, plus one clear line and exit 2 when the database cannot be reached."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (OperationalError, InterfaceError):
            problem = _unreachable(ctx)
            if problem is None:
                raise
            click.echo(f"trainer: {problem}", err=True)
            ctx.exit(2)


def _unreachable(ctx: click.Context) -> str | None:
    """Why the database cannot be reached now (naming its host, never a password), or None."""
    from flask.cli import ScriptInfo

    from trainer.extensions import db

    app = ctx.ensure_object(ScriptInfo).load_app()
    with app.app_context():
        url = db.engine.url
        try:
            with db.engine.connect():
                return None
        except DBAPIError as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__
    if url.get_backend_name() == "sqlite":
        return f"cannot open the SQLite database {url.database}: {reason}"
    where = f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"
    return f"cannot reach the database at {where}: {reason}"


@click.group(cls=TrainerGroup, create_app=_create_app, help="Trainer: staff data-protection training.")
def main() -> None:
    pass


main.add_command(run_command)  # replaces Flask's `run`: same options, and links on its address


if __name__ == "__main__":
    main()
