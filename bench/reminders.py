"""Benchmark reminders: planning for N employees, then SMTP delivery throughput.

    .venv/bin/python -m bench.reminders                      # 50,000 employees on SQLite
    .venv/bin/python -m bench.reminders --database-url postgresql+psycopg://postgres@127.0.0.1/bench

The database must be empty (SQLite: a fresh temporary file is used by default). Employees and
their assignments are bulk-inserted directly (no sync), spread so that every milestone of the
cadence occurs; a tenth are managers of the next nine. Delivery goes to an aiosmtpd server in
this process that only counts what it receives.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from flask import Flask
from sqlalchemy import insert, select, update

from tests.fixtures.smtp import free_port
from trainer import clock, create_app
from trainer.extensions import db
from trainer.models import Assignment, Course, Module, ModuleVersion, Notification, User
from trainer.notify.delivery import deliver_due
from trainer.notify.mailer import open_mailer
from trainer.notify.planning import plan_reminders
from trainer.notify.settings import ReminderSettings, SmtpSettings

TODAY = dt.date(2026, 3, 2)
CHUNK = 5000


@dataclasses.dataclass
class Numbers:
    employees: int
    assignments: int
    plan_first_s: float
    planned: int
    plan_again_s: float
    planned_again: int
    delivered_rows: int = 0
    emails: int = 0
    deliver_s: float = 0.0

    def report(self) -> str:
        per_second = self.emails / self.deliver_s if self.deliver_s else 0.0
        return "\n".join([
            f"employees {self.employees:,}, open assignments {self.assignments:,}",
            f"planning, first run:  {self.plan_first_s:6.2f} s  ({self.planned:,} rows planned)",
            f"planning, second run: {self.plan_again_s:6.2f} s  ({self.planned_again:,} rows: idempotent)",
            f"delivery: {self.emails:,} e-mails ({self.delivered_rows:,} rows) in {self.deliver_s:.2f} s"
            f" = {per_second:,.0f} e-mails/s over one SMTP connection",
        ])


def run_benchmark(database_url: str, employees: int = 50_000, deliver: int = 2_000) -> Numbers:
    """Fill an empty database, time planning twice, then time delivering `deliver` e-mails."""
    app = _app(database_url)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        assignments = _fill(employees)
        settings = ReminderSettings(base_url="http://trainer.bench")
        with clock.frozen(TODAY):
            first, planned = _timed(lambda: plan_reminders(db.session, TODAY, settings).total)
            again, planned_again = _timed(lambda: plan_reminders(db.session, TODAY, settings).total)
        numbers = Numbers(employees, assignments, first, planned, again, planned_again)
        if deliver:
            _deliver(numbers, settings, deliver)
        db.session.remove()
        db.engine.dispose()
    return numbers


def _app(database_url: str) -> Flask:
    instance = tempfile.mkdtemp(prefix="trainer-bench-")
    return create_app({"DATABASE_URL": database_url, "SECRET_KEY": "b" * 48, "INSTANCE_PATH": instance})


def _timed(work: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    db.session.commit()
    return time.perf_counter() - started, result


def _fill(employees: int) -> int:
    """Bulk-insert a course, the staff (a tenth managers) and one open assignment each."""
    course_id = _course()
    rows = []
    for n in range(1, employees + 1):
        manager = None if n % 10 == 1 else n - (n - 1) % 10
        rows.append({"id": n, "email": f"person{n}@bench.example", "name": f"Person {n}",
                     "manager_id": manager, "is_hr": n <= 3, "created_at": clock.now()})
    _insert(User, rows)
    spread = random.Random(6)
    assignments = []
    for n in range(1, employees + 1):
        assigned_on = TODAY - dt.timedelta(days=spread.randint(0, 75))
        assignments.append({"user_id": n, "course_id": course_id, "cycle": 1, "reason": "requirement",
                            "assigned_on": assigned_on, "due_on": assigned_on + dt.timedelta(days=30),
                            "current": True, "change_note": ""})
    _insert(Assignment, assignments)
    db.session.commit()
    return len(assignments)


def _course() -> int:
    course = Course(slug="bench", title="Benchmark course", due_days=30)
    db.session.add(course)
    db.session.flush()
    module = Module(course_id=course.id, slug="only", position=0)
    db.session.add(module)
    db.session.flush()
    module.current_version = ModuleVersion(
        module_id=module.id, number=1, title="Only module", kind="lesson", minutes=5, source="x",
        body_html="<p>x</p>", quiz=[], content_hash=hashlib.sha256(b"x").hexdigest(),
        published_at=clock.now())
    db.session.flush()
    return course.id


def _insert(model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model.__table__), rows[start:start + CHUNK])


class _Counting:
    """An SMTP sink: accepts and counts (one event loop thread, so no lock needed)."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


def _deliver(numbers: Numbers, settings: ReminderSettings, recipients: int) -> None:
    """Leave `recipients` people's rows pending (the rest count as sent), then deliver them."""
    keep = select(User.id).order_by(User.id).limit(recipients).scalar_subquery()
    db.session.execute(update(Notification).where(Notification.user_id.not_in(keep))
                       .values(sent_at=clock.now()))
    db.session.commit()
    handler, port = _Counting(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        smtp = dataclasses.replace(settings, smtp=SmtpSettings("127.0.0.1", port))
        with clock.frozen(TODAY), open_mailer(smtp) as mailer:
            seconds, result = _timed(lambda: deliver_due(db.session, mailer, smtp, worker="bench"))
    finally:
        controller.stop()
    numbers.delivered_rows, numbers.emails, numbers.deliver_s = result.sent, handler.count, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employees", type=int, default=50_000)
    parser.add_argument("--deliver", type=int, default=2_000, help="e-mails to deliver (0: skip)")
    parser.add_argument("--database-url", help="an EMPTY database; default: a new SQLite file")
    args = parser.parse_args()
    url = args.database_url or "sqlite:///" + str(Path(tempfile.mkdtemp()) / "bench.db")
    print(f"database: {url.split('@')[-1]}")
    print(run_benchmark(url, args.employees, args.deliver).report())


if __name__ == "__main__":
    main()
