"""Scheduled jobs are safe to run at once: the job lock, and one current cycle per person.

The concurrency test starts real `trainer` processes together on the test database (SQLite
file or PostgreSQL, whichever this run uses) and counts rows afterwards.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError

from tests.compliance.helpers import require, sync
from tests.factories import make_course, make_user
from trainer import jobs
from trainer.extensions import db
from trainer.models import Assignment, JobLock

DAY0 = dt.date(2025, 3, 3)
LATER = dt.date(2026, 2, 20)  # within the 30-day refresher window of DAY0 + 12 months
RUNS = 4


def cli_environment(test_database_url: str, tmp_path) -> dict[str, str]:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("TRAINER_")},
        "TRAINER_DATABASE_URL": test_database_url,
        "TRAINER_INSTANCE_PATH": str(tmp_path),
        "TRAINER_SECRET_KEY": "jobs-test-secret-key-that-is-long-enough-0123456789",
    }


def test_syncs_started_together_open_each_cycle_once(session, tmp_path, test_database_url):
    courses = [make_course(session, modules=1) for _ in range(2)]
    veterans = [make_user(session, email=f"v{n}@shop.example", password=None) for n in range(60)]
    for course in courses:
        require(session, course)
    sync(session, DAY0)
    session.execute(update(Assignment).values(completed_on=DAY0, expires_on=dt.date(2026, 3, 3)))
    newcomers = [make_user(session, email=f"n{n}@shop.example", password=None) for n in range(40)]
    session.commit()  # the other processes must see the data

    command = [sys.executable, "-m", "trainer.cli", "assignments", "sync", "--as-of", LATER.isoformat()]
    with writes_held_back():
        runs = [subprocess.Popen(command, env=cli_environment(test_database_url, tmp_path),
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for _ in range(RUNS)]
        wait_until_blocked(runs)
    outputs = [run.communicate(timeout=120) for run in runs]
    for run, (out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0, out + err
        assert "Traceback" not in err

    session.expire_all()
    per_pair = session.execute(
        select(Assignment.user_id, Assignment.course_id, func.count())
        .where(Assignment.current.is_(True)).group_by(Assignment.user_id, Assignment.course_id)).all()
    assert len(per_pair) == (len(veterans) + len(newcomers)) * len(courses)
    assert {count for _, _, count in per_pair} == {1}
    refreshers = session.scalar(select(func.count()).select_from(Assignment)
                                .where(Assignment.reason == "refresher"))
    assert refreshers == len(veterans) * len(courses)
    assert session.scalar(select(func.count()).select_from(Assignment)) == (
        2 * len(veterans) * len(courses) + len(newcomers) * len(courses))
    did_work = [out for out, _ in outputs if "80 assigned, 0 restored, 120 refreshers opened" in out]
    others = [out for out, _ in outputs if out not in did_work]
    assert len(did_work) == 1, outputs
    for out in others:  # either it waited its turn and found nothing to do, or it was refused
        assert ("another run is in progress" in out
                or "0 assigned, 0 restored, 0 refreshers opened, 0 closed" in out), out
    assert session.scalar(select(func.count()).select_from(JobLock)) == 0  # released


@contextlib.contextmanager
def writes_held_back() -> Iterator[None]:
    """PostgreSQL: let runs read but not write assignments until every live run got that far,
    so that they overlap for certain (process start-up alone staggers them by a second)."""
    if db.engine.dialect.name != "postgresql":
        yield  # SQLite: processes overlap enough on their own (the race shows without the lock)
        return
    with db.engine.connect() as connection:
        connection.execute(text("LOCK TABLE assignments IN SHARE MODE"))
        yield
        connection.commit()


def wait_until_blocked(runs: list[subprocess.Popen[str]]) -> None:
    if db.engine.dialect.name != "postgresql":
        return
    deadline = time.monotonic() + 60
    with db.engine.connect() as connection:
        while time.monotonic() < deadline:
            alive = sum(run.poll() is None for run in runs)
            waiting = connection.scalar(text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"))
            connection.commit()
            if alive and waiting >= alive:
                return
            time.sleep(0.05)
    raise AssertionError("the runs never reached the held lock")


def test_a_run_while_another_holds_the_lock_exits_0_and_does_nothing(session, runner):
    course = make_course(session, modules=1)
    make_user(session)
    require(session, course)
    session.commit()
    with jobs.job_lock(db.engine, "assignments sync"):
        result = runner.invoke(args=["assignments", "sync"])
    assert result.exit_code == 0, result.output
    assert "trainer assignments sync: another run is in progress" in result.output
    assert session.scalar(select(func.count()).select_from(Assignment)) == 0
    # Released afterwards: the next run works.
    result = runner.invoke(args=["assignments", "sync"])
    assert "1 assigned" in result.output


@pytest.mark.parametrize("command", [
    ["reminders", "send"], ["retention", "apply"], ["report", "snapshot"], ["assignments", "sync"],
    ["courses", "review-reminders"],
])
def test_every_scheduled_command_takes_its_lock(app, runner, command):
    with jobs.job_lock(db.engine, " ".join(command)):
        result = runner.invoke(args=command)
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"trainer {' '.join(command)}: another run is in progress")


def test_other_jobs_are_not_blocked(app, runner):
    with jobs.job_lock(db.engine, "reminders send"):
        result = runner.invoke(args=["assignments", "sync"])
    assert "another run" not in result.output
    assert result.output.startswith("Assignments on")


def test_lock_is_released_when_the_job_fails(app):
    with pytest.raises(RuntimeError), jobs.job_lock(db.engine, "report snapshot"):
        raise RuntimeError("the job failed")
    with jobs.job_lock(db.engine, "report snapshot"):
        pass


def test_sqlite_lock_left_by_a_dead_process_is_taken_over(session, runner):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL drops an advisory lock with its connection")
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    import socket

    from trainer import clock

    session.add(JobLock(name="assignments sync", token="x" * 32, host=socket.gethostname(), pid=dead.pid,
                        taken_at=clock.now()))
    session.commit()
    result = runner.invoke(args=["assignments", "sync"])
    assert result.output.startswith("Assignments on"), result.output
    assert session.scalar(select(func.count()).select_from(JobLock)) == 0


def test_sqlite_lock_of_a_live_process_is_respected(session, runner):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's lock row")
    import socket

    from trainer import clock

    session.add(JobLock(name="assignments sync", token="x" * 32, host=socket.gethostname(),
                        pid=os.getppid(), taken_at=clock.now()))
    session.commit()
    result = runner.invoke(args=["assignments", "sync"])
    assert "another run is in progress" in result.output
    session.execute(update(JobLock).values(taken_at=clock.now() - jobs.STALE_AFTER - dt.timedelta(minutes=1)))
    session.commit()
    result = runner.invoke(args=["assignments", "sync"])
    assert result.output.startswith("Assignments on"), result.output  # too old: presumed dead


def test_the_database_refuses_a_second_current_cycle(session):
    course = make_course(session, modules=0)
    user = make_user(session)
    require(session, course)
    sync(session, DAY0)
    session.commit()
    session.add(Assignment(user_id=user.id, course_id=course.id, cycle=2, reason="refresher",
                           assigned_on=DAY0, due_on=DAY0, current=True))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    # A closed earlier cycle next to a current one is fine.
    session.execute(update(Assignment).values(current=False, closed_on=DAY0))
    session.add(Assignment(user_id=user.id, course_id=course.id, cycle=2, reason="refresher",
                           assigned_on=DAY0, due_on=DAY0, current=True))
    session.flush()
