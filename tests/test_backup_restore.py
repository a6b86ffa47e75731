"""The backup and restore commands of docs/operations.md, run exactly as documented.

The blocks marked `<!-- tested: NAME -->` are taken from the document and run with bash while
another process keeps writing to the database; the restored copy must hold every table's rows
as they stood at some moment (a consistent snapshot) and pass `trainer audit verify`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from tests.compliance.helpers import require, sync
from tests.factories import make_course, make_user
from trainer import audit
from trainer.audit import Actor
from trainer.extensions import db

ROOT = Path(__file__).resolve().parent.parent
OPERATIONS = ROOT / "docs" / "operations.md"
WRITTEN_BY_WRITER = {"users", "audit_events", "departments"}

WRITER = """
import pathlib, sys, time
from tests.factories import make_user
from trainer import create_app
from trainer.audit import Actor, record
from trainer.extensions import db
stop, progress = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
app = create_app()
n = 0
with app.app_context():
    while not stop.exists():
        n += 1
        person = make_user(db.session, email=f"writer{n}@example.com", password=None)
        record(db.session, Actor.cli(), "test.written_during_backup", person, n=n)
        db.session.commit()
        # Written aside and renamed: a reader sees the old count or the new, never an empty file.
        progress.with_suffix(".new").write_text(str(n))
        progress.with_suffix(".new").replace(progress)
        time.sleep(0.005)
"""


def documented(name: str) -> str:
    """The shell block that follows `<!-- tested: name -->` in docs/operations.md."""
    match = re.search(rf"<!-- tested: {re.escape(name)} -->\n```sh\n(.*?)```", OPERATIONS.read_text(), re.S)
    assert match, f"docs/operations.md has no tested block {name!r}"
    return match.group(1)


def run_documented(name: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRAINER_")}
    env |= {"PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", **environment}
    return subprocess.run(["bash", "-euo", "pipefail", "-c", documented(name)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


@contextlib.contextmanager
def writer(environment: dict[str, str], folder: Path) -> Iterator[Path]:
    """Another process committing a person and an audit event every few milliseconds."""
    stop, progress = folder / "stop", folder / "progress"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRAINER_")} | environment
    process = subprocess.Popen([sys.executable, "-c", WRITER, str(stop), str(progress)], env=env, cwd=ROOT,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not (progress.exists() and int(progress.read_text()) >= 20):
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the writer never got going"
            time.sleep(0.05)
        yield progress
    finally:
        stop.touch()
        process.wait(timeout=60)
    assert process.returncode == 0, process.stderr.read() if process.stderr else ""


def some_history(session) -> None:
    course = make_course(session)
    for n in range(20):
        make_user(session, email=f"staff{n}@example.com", password=None)
    require(session, course)
    sync(session, dt.date(2026, 3, 2))
    audit.record(session, Actor.cli(), "test.before_backup")
    session.commit()


def table_rows(url: str) -> dict[str, set[str]]:
    """Every row of every table, each as one comparable string."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = {t.name: {_row(r) for r in connection.execute(select(t))}
                    for t in db.metadata.sorted_tables}
            rows["alembic_version"] = {_row(r) for r in connection.execute(
                text("SELECT version_num FROM alembic_version"))}
        return rows
    finally:
        engine.dispose()


def _row(row: Any) -> str:
    return json.dumps(list(row), default=str, sort_keys=True)


def assert_consistent_snapshot(source: dict[str, set[str]], restored: dict[str, set[str]],
                               written_before: int) -> None:
    assert restored.keys() == source.keys()
    for table, rows in restored.items():
        if table in WRITTEN_BY_WRITER:
            assert rows <= source[table], f"{table}: the backup holds rows the source never had"
        else:
            assert rows == source[table], f"{table} differs"
    writer_events = [r for r in restored["audit_events"] if "test.written_during_backup" in r]
    assert len(writer_events) >= written_before  # what was committed before the backup is in it
    assert any("test.before_backup" in r for r in restored["audit_events"])


def test_backup_and_restore_as_documented(app, session, test_database_url, tmp_path, scratch_database):
    kind = "sqlite" if test_database_url.startswith("sqlite") else "postgresql"
    some_history(session)
    backups = tmp_path / "backups"
    backups.mkdir()
    # The application's environment, as production has it: the audit key keys the hash chain.
    key = {"TRAINER_AUDIT_KEY": app.config["AUDIT_KEY"]}
    source_env = {"TRAINER_DATABASE_URL": test_database_url, "TRAINER_INSTANCE_PATH": str(tmp_path), **key}
    with writer(source_env, tmp_path) as progress:
        written_before = int(progress.read_text())
        backup = run_documented(f"{kind}-backup", BACKUP_DIR=str(backups), **source_env)
        assert backup.returncode == 0, backup.stderr
    [backup_file] = backups.iterdir()
    suffix = "db" if kind == "sqlite" else "dump"
    assert re.fullmatch(rf"trainer-\d{{4}}-\d{{2}}-\d{{2}}\.{suffix}", backup_file.name)
    if kind == "sqlite":
        restored = tmp_path / "restored"
        restored.mkdir()
        # A crash left a journal beside the database the backup replaces.
        (restored / "trainer.db").write_bytes(b"old database")
        (restored / "trainer.db-journal").write_bytes(os.urandom(4096))
        target_env = {"TRAINER_INSTANCE_PATH": str(restored), **key}
        target_url = f"sqlite:///{restored / 'trainer.db'}"
    else:  # an empty database, its URL exported as the document says
        target_env = {"TRAINER_DATABASE_URL": scratch_database, "TRAINER_INSTANCE_PATH": str(tmp_path), **key}
        target_url = scratch_database
    restore = run_documented(f"{kind}-restore", BACKUP_FILE=str(backup_file), **target_env)
    assert restore.returncode == 0, restore.stderr
    assert "Audit trail intact." in restore.stdout
    assert not (tmp_path / "restored" / "trainer.db-journal").exists()
    assert_consistent_snapshot(table_rows(test_database_url), table_rows(target_url), written_before)


def test_a_backup_that_cannot_be_made_fails_loudly_and_leaves_nothing(app, runner, tmp_path):
    existing = tmp_path / "taken.db"
    existing.write_text("keep me")
    result = runner.invoke(args=["db", "backup", str(existing)])
    assert result.exit_code == 1 and "already exists" in result.output
    assert existing.read_text() == "keep me"
    result = runner.invoke(args=["db", "backup", str(tmp_path / "no" / "such" / "folder.db")])
    assert result.exit_code == 1 and "does not exist" in result.output
    assert list(tmp_path.iterdir()) == [existing]


def test_sqlite_backup_of_a_locked_database_gives_up_loudly(tmp_path, monkeypatch):
    import sqlite3

    from trainer import backup as backup_module

    source = tmp_path / "trainer.db"
    with sqlite3.connect(source) as connection:
        connection.execute("CREATE TABLE users (id INTEGER)")
    holder = sqlite3.connect(source, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr(backup_module, "BUSY_TIMEOUT_SECONDS", 1)
    target = tmp_path / "copy.db"
    try:
        with pytest.raises(backup_module.BackupFailed, match="locked"):
            backup_module.backup(make_url(f"sqlite:///{source}"), target)
    finally:
        holder.rollback()
        holder.close()
    assert not target.exists() and not (tmp_path / "copy.db.partial").exists()


def test_sqlite_backup_refuses_a_file_that_is_not_trainers(tmp_path):
    import sqlite3

    from trainer.backup import BackupFailed, backup

    source = tmp_path / "other.db"
    with sqlite3.connect(source) as connection:
        connection.execute("CREATE TABLE something (id INTEGER)")
    with pytest.raises(BackupFailed, match="no alembic_version, users, audit_events table"):
        backup(make_url(f"sqlite:///{source}"), tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()
