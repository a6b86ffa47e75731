"""The `trainer` console script: Flask's CLI (run, db, shell) plus Trainer's commands.

Commands are thin: parse options, call a domain function, print a summary, exit non-zero
on failure. They live in trainer/commands/, one module per topic.
"""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import FlaskGroup

from trainer.config import ConfigError


def _create_app() -> Flask:
    from trainer import create_app

    try:
        return create_app()
    except ConfigError as error:
        click.echo(f"trainer: configuration error: {error}", err=True)
        sys.exit(2)


def register_commands(app: Flask) -> None:
    from trainer.commands import COMMANDS

    for command in COMMANDS:
        app.cli.add_command(command)


@click.group(cls=FlaskGroup, create_app=_create_app, help="Trainer: staff data-protection training.")
def main() -> None:
    pass


if __name__ == "__main__":
    main()
