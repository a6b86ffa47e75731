"""Job locking: the one place that decides whether a scheduled job may run now.

Every scheduled command (`assignments sync`, `reminders send`, `retention apply`,
`report snapshot`, and any new one) runs inside `job_lock(engine, name)`. A second run of
the same job started while the first is in progress — on the same host or another — gets
`JobBusy` at once and the command exits 0 saying "another run is in progress".

- PostgreSQL: a session-level advisory lock held on a connection of its own for the whole
  run (the job itself commits as often as it likes on other connections). The server
  releases it when the run ends or its connection dies (`kill -9`, a lost host).
- SQLite: a row in `job_locks`, checked and written in one `BEGIN IMMEDIATE` transaction
  (SQLite's write lock makes the check-and-take atomic between processes) and deleted at
  the end. A row whose process is gone (same host, dead pid) or that is older than
  `STALE_AFTER` was left by a run that died, and is taken over.

`serialize(session, name)` is the transaction-scoped counterpart for code that also runs
outside the scheduled job (a web request syncing one person's assignments): on PostgreSQL
it waits for any other transaction holding the same name; SQLite serialises writers itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import secrets
import socket
from collections.abc import Iterator

from sqlalchemy import Connection, Engine, delete, insert, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from trainer.models import JobLock

# A run older than this is presumed dead even if its pid is alive (pids are reused).
STALE_AFTER = dt.timedelta(hours=12)


class JobBusy(RuntimeError):
    """Another run of the job is in progress."""

    def __init__(self, name: str, holder: str = "") -> None:
        self.name = name
        super().__init__("another run is in progress" + (f" ({holder})" if holder else ""))


@contextlib.contextmanager
def job_lock(engine: Engine, name: str) -> Iterator[None]:
    """Hold the job lock `name` for the block; raise JobBusy at once if another run holds it."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, name):
            yield
    else:
        with _lock_row(engine, name):
            yield


def serialize(session: Session, name: str) -> None:
    """Wait until no other transaction holds `name`, and hold it until this one ends."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key("tx:" + name)})


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a job name (Trainer's namespace)."""
    digest = hashlib.sha256(b"trainer-job:" + name.encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextlib.contextmanager
def _advisory_lock(engine: Engine, name: str) -> Iterator[None]:
    key = lock_key(name)
    connection = engine.connect()
    try:
        taken = connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
        connection.commit()  # no transaction stays open while the job runs
        if not taken:
            raise JobBusy(name)
        try:
            yield
        finally:
            _advisory_unlock(connection, key)
    finally:
        connection.close()


def _advisory_unlock(connection: Connection, key: int) -> None:
    try:
        connection.scalar(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
        connection.commit()
    except DBAPIError:
        # The connection is broken, so the server has dropped the lock with it; never
        # hand a connection that might still hold it back to the pool.
        connection.invalidate()


@contextlib.contextmanager
def _lock_row(engine: Engine, name: str) -> Iterator[None]:
    token = secrets.token_hex(16)
    with engine.connect() as connection:
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # SQLite's write lock: one checker at a time
        try:
            held = connection.execute(select(JobLock.host, JobLock.pid, JobLock.taken_at)
                                      .where(JobLock.name == name)).first()
            if held is not None and not _abandoned(held.host, held.pid, held.taken_at):
                raise JobBusy(name, f"{held.host} pid {held.pid} since {held.taken_at:%Y-%m-%d %H:%M} UTC")
            if held is not None:
                connection.execute(delete(JobLock).where(JobLock.name == name))
            connection.execute(insert(JobLock).values(
                name=name, token=token, host=socket.gethostname(), pid=os.getpid(), taken_at=_wall_clock()))
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
    try:
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(delete(JobLock).where(JobLock.name == name, JobLock.token == token))


def _abandoned(host: str, pid: int, taken_at: dt.datetime) -> bool:
    if _wall_clock() - taken_at > STALE_AFTER:
        return True
    return host == socket.gethostname() and not _process_alive(pid)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, belongs to someone else
    return True


def _wall_clock() -> dt.datetime:
    # Real time, not trainer.clock: `--as-of` moves the business date, not the lock's age.
    return dt.datetime.now(dt.UTC)
