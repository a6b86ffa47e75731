"""`trainer db backup FILE`: a consistent copy of the database, taken while Trainer runs.

- SQLite: the online backup API (`sqlite3.Connection.backup`) copies every page in one
  step under a read lock, waiting out writers (busy timeout), so the copy is a consistent
  snapshot even while the web application writes. The copy is written next to FILE, checked
  with `PRAGMA integrity_check` and that it holds Trainer's tables, then renamed to FILE.
- PostgreSQL: `pg_dump --format=custom` (a consistent snapshot by MVCC), written the same way.

Anything that goes wrong raises BackupFailed and leaves no FILE behind: a half-written or
empty backup that looks fine is worse than none.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

from sqlalchemy.engine import URL

BUSY_TIMEOUT_SECONDS = 60
REQUIRED_TABLES = ("alembic_version", "users", "audit_events")


class BackupFailed(RuntimeError):
    """The backup could not be made; the message says why. No backup file was left."""


def backup(url: URL, target: Path) -> int:
    """Write a backup of the database at `url` to `target` (which must not exist); its size."""
    if target.exists():
        raise BackupFailed(f"{target} already exists; choose a new file name")
    if not target.parent.is_dir():
        raise BackupFailed(f"folder {target.parent} does not exist")
    partial = target.with_name(target.name + ".partial")
    try:
        if url.get_backend_name() == "sqlite":
            _sqlite_backup(url, partial)
        else:
            _pg_dump(url, partial)
        os.replace(partial, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return target.stat().st_size


def _sqlite_backup(url: URL, partial: Path) -> None:
    source_path = url.database or ""
    if not source_path or not Path(source_path).is_file():
        raise BackupFailed(f"there is no SQLite database at {source_path or '(memory)'}")
    deadline = time.monotonic() + BUSY_TIMEOUT_SECONDS

    def give_up_when_late(status: int, remaining: int, total: int) -> None:
        if time.monotonic() > deadline:
            raise BackupFailed(f"the database stayed locked for {BUSY_TIMEOUT_SECONDS} s")

    try:
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS)
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy, pages=-1, progress=give_up_when_late)
            _check_sqlite_copy(copy)
        finally:
            copy.close()
            source.close()
    except sqlite3.Error as error:
        raise BackupFailed(f"SQLite backup failed: {error}") from error


def _check_sqlite_copy(copy: sqlite3.Connection) -> None:
    result = copy.execute("PRAGMA integrity_check").fetchone()
    if not result or result[0] != "ok":
        raise BackupFailed(f"the copy failed SQLite's integrity check: {result}")
    tables = {row[0] for row in copy.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise BackupFailed(f"the copy has no {', '.join(missing)} table: is this Trainer's database "
                           "(has `trainer db upgrade` run)?")


def _pg_dump(url: URL, partial: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupFailed("pg_dump is not installed (Debian: apt-get install postgresql-client)")
    environment = {**os.environ, "PGPASSWORD": url.password or os.environ.get("PGPASSWORD", "")}
    libpq_url = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    run = subprocess.run(  # noqa: S603 -- fixed program, arguments from the configuration
        [pg_dump, "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={libpq_url}"],
        env=environment, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise BackupFailed(f"pg_dump failed: {run.stderr.strip() or run.returncode}")
    if partial.stat().st_size == 0:
        raise BackupFailed("pg_dump wrote an empty file")
