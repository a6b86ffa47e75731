"""`trainer db backup FILE`, added to Flask-Migrate's `db` group (see trainer/backup.py)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from trainer.backup import BackupFailed, backup
from trainer.extensions import db


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Write a consistent backup of the database to FILE (new) while Trainer keeps running.

    SQLite: a copy of the database file (SQLite's online backup, checked). PostgreSQL: a
    pg_dump archive (custom format) for pg_restore. docs/operations.md has the restore steps.
    """
    try:
        size = backup(db.engine.url, file)
    except BackupFailed as error:
        raise click.ClickException(f"backup failed, nothing was written: {error}") from None
    click.echo(f"Backup written to {file} ({size:,} bytes).")
