"""Synthetic HR data for benchmarks: N employees x C courses with two years of history.

Rows go straight into the tables (COPY on PostgreSQL, executemany on SQLite), the way test
factories build data, so that 50,000 people take seconds rather than the hours that
replaying the compliance engine would. The shape mirrors a real organisation: departments,
managers, a first cycle completed a year or two ago, refreshers (some done, some overdue),
recent hires not started yet, and three module completions per completed cycle.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import random
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, Table

from trainer.bulk import insert_rows
from trainer.models import Base

DEPARTMENTS = ["Sales", "Support", "Engineering", "Marketing", "Finance", "Warehouse", "People",
               "Legal", "Logistics", "Product", "Security", "Management"]
MODULES_PER_COURSE = 3
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)


@dataclasses.dataclass(frozen=True)
class Shape:
    employees: int = 50_000
    courses: int = 10
    today: dt.date = dt.date(2026, 6, 15)
    seed: int = 7


def table(name: str) -> Table:
    return Base.metadata.tables[name]


def bulk_insert(
    connection: Connection, name: str, rows: Iterable[dict[str, Any]], chunk: int = 20_000
) -> int:
    """Insert many rows quickly: COPY on PostgreSQL, executemany elsewhere."""
    count = 0
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= chunk:
            count += _flush(connection, name, batch)
            batch = []
    if batch:
        count += _flush(connection, name, batch)
    return count


def _flush(connection: Connection, name: str, rows: list[dict[str, Any]]) -> int:
    return insert_rows(connection, table(name), rows)


def generate(connection: Connection, shape: Shape = Shape()) -> dict[str, int]:
    """Fill an empty, migrated database; returns row counts per table."""
    rng = random.Random(shape.seed)
    counts = insert_people(connection, shape, rng)
    counts.update(insert_catalogue(connection, shape))
    counts.update(_insert_history(connection, shape, rng))
    reset_sequences(connection)
    return counts


def insert_people(connection: Connection, shape: Shape, rng: random.Random | None = None) -> dict[str, int]:
    """The departments and `shape.employees` people (a tenth managers), without assignments."""
    rng = rng or random.Random(shape.seed)
    counts = {
        "departments": bulk_insert(connection, "departments",
                                   ({"id": i + 1, "name": n} for i, n in enumerate(DEPARTMENTS))),
    }
    counts["users"] = bulk_insert(connection, "users", _users(shape, rng))
    return counts


def insert_catalogue(connection: Connection, shape: Shape) -> dict[str, int]:
    """Courses with modules and published versions, and a requirement for everyone each."""
    counts = {
        "courses": bulk_insert(connection, "courses", _courses(shape)),
        "modules": bulk_insert(connection, "modules", _modules(shape)),
        "module_versions": bulk_insert(connection, "module_versions", _versions(shape)),
    }
    connection.execute(table("modules").update().values(current_version_id=table("modules").c.id))
    counts["requirements"] = bulk_insert(connection, "requirements", _requirements(shape))
    return counts


def _users(shape: Shape, rng: random.Random) -> Iterator[dict[str, Any]]:
    for i in range(1, shape.employees + 1):
        # Every tenth person manages the nine after them; managers report to person 1.
        manager = None if i == 1 else (1 if i % 10 == 1 else i - (i - 1) % 10)
        yield {
            "id": i, "email": f"person{i}@bench.example", "name": f"Person {i:06d}",
            "department_id": (i * 7) % len(DEPARTMENTS) + 1, "job_role": f"Role {i % 25}",
            "manager_id": manager, "password_hash": None, "is_hr": False, "is_admin": i == 1,
            "active": i == 1 or rng.random() > 0.02,
            "hired_on": shape.today - dt.timedelta(days=rng.randint(10, 6 * 365)),
            "locale": "en", "created_at": NOW, "session_version": 1,
            "digest_frequency": "immediate",
        }


def _courses(shape: Shape) -> Iterator[dict[str, Any]]:
    for c in range(1, shape.courses + 1):
        yield {
            "id": c, "slug": f"course-{c}", "title": f"Course {c}", "summary": "", "intro_source": "",
            "intro_html": "", "pass_mark": 80, "refresher_months": 12, "due_days": 30,
            "audience": "everyone", "regulations": ["GDPR"], "source_hash": "", "created_at": NOW,
        }


def _modules(shape: Shape) -> Iterator[dict[str, Any]]:
    for c in range(1, shape.courses + 1):
        for m in range(MODULES_PER_COURSE):
            yield {"id": (c - 1) * MODULES_PER_COURSE + m + 1, "course_id": c,
                   "slug": f"module-{m + 1}", "position": m, "major_floor": 1}


def _versions(shape: Shape) -> Iterator[dict[str, Any]]:
    for module_id in range(1, shape.courses * MODULES_PER_COURSE + 1):
        yield {
            "id": module_id, "module_id": module_id, "number": 1, "title": f"Module {module_id}",
            "kind": "lesson", "minutes": 5, "min_read_seconds": 0, "source": "text",
            "body_html": "<p>text</p>", "quiz": [], "change": "minor", "change_note": "",
            "content_hash": hashlib.sha256(str(module_id).encode()).hexdigest(),
            "published_at": NOW - dt.timedelta(days=900),
        }


def _requirements(shape: Shape) -> Iterator[dict[str, Any]]:
    for c in range(1, shape.courses + 1):
        yield {"id": c, "course_id": c, "name": f"Course {c} for everyone", "everyone": True,
               "due_days": 30, "renew_grace_days": 0, "status": "active",
               "is_course_default": True, "created_at": NOW - dt.timedelta(days=900)}


def _insert_history(connection: Connection, shape: Shape, rng: random.Random) -> dict[str, int]:
    """Assignments and module completions, written in chunks to keep memory flat."""
    counts = {"assignments": 0, "module_completions": 0}
    assignments: list[dict[str, Any]] = []
    completions: list[dict[str, Any]] = []
    for user_id in range(1, shape.employees + 1):
        for course_id in range(1, shape.courses + 1):
            for row in _cycles(shape.today, rng):
                counts["assignments"] += 1
                row.update(user_id=user_id, course_id=course_id, requirement_id=course_id,
                           id=counts["assignments"])
                assignments.append(row)
                if row["completed_on"]:
                    made = _module_completions(user_id, course_id, row["completed_on"],
                                               counts["module_completions"])
                    counts["module_completions"] += len(made)
                    completions.extend(made)
        if len(completions) >= 50_000:
            _flush(connection, "assignments", assignments)
            _flush(connection, "module_completions", completions)
            assignments, completions = [], []
    if assignments:
        _flush(connection, "assignments", assignments)
    if completions:
        _flush(connection, "module_completions", completions)
    return counts


def _cycles(today: dt.date, rng: random.Random) -> list[dict[str, Any]]:
    """One person's cycles of one course: a finished first cycle and a refresher, or one open."""
    roll = rng.random()
    if roll < 0.1:  # a recent hire: one open cycle
        assigned = today - dt.timedelta(days=rng.randint(0, 60))
        return [_cycle(1, "new_hire", assigned, assigned + dt.timedelta(days=30), None)]
    if roll < 0.3:  # one completed cycle, still valid (some expiring within 30 days)
        assigned = today - dt.timedelta(days=rng.randint(40, 380))
        done = min(today, assigned + dt.timedelta(days=rng.randint(1, 35)))
        return [_cycle(1, "requirement", assigned, assigned + dt.timedelta(days=30), done)]
    first = today - dt.timedelta(days=rng.randint(400, 720))
    done = first + dt.timedelta(days=rng.randint(1, 35))
    old = _cycle(1, "requirement", first, first + dt.timedelta(days=30), done, current=False)
    window_start = old["expires_on"] - dt.timedelta(days=30)
    late = rng.random() < 0.15
    refresh_done = None if late else window_start + dt.timedelta(days=rng.randint(0, 29))
    refresher = _cycle(2, "refresher", window_start, old["expires_on"], refresh_done,
                       expires_from=old["expires_on"])
    return [old, refresher]


def _cycle(cycle: int, reason: str, assigned: dt.date, due: dt.date, done: dt.date | None, *,
           current: bool = True, expires_from: dt.date | None = None) -> dict[str, Any]:
    expires = None
    if done:
        base = expires_from if expires_from and done <= due else done
        expires = base.replace(year=base.year + 1) if not (base.month == 2 and base.day == 29) \
            else base + dt.timedelta(days=365)
    return {
        "cycle": cycle, "reason": reason, "assigned_on": assigned, "due_on": due,
        "counts_from": None, "started_on": done, "completed_on": done, "expires_on": expires,
        "current": current, "closed_on": None, "closed_reason": None, "change_note": "",
    }


def _module_completions(user_id: int, course_id: int, day: dt.date, start: int) -> list[dict[str, Any]]:
    at = dt.datetime.combine(day, dt.time(10, 0), tzinfo=dt.UTC)
    first_module = (course_id - 1) * MODULES_PER_COURSE + 1
    return [
        {"id": start + m + 1, "user_id": user_id, "module_id": first_module + m,
         "module_version_id": first_module + m, "completed_at": at + dt.timedelta(minutes=m * 7),
         "method": "quiz", "score": 80 + (user_id + m) % 21, "attempt_id": None}
        for m in range(MODULES_PER_COURSE)
    ]


def reset_sequences(connection: Connection) -> None:
    """After rows inserted with explicit ids: PostgreSQL's sequences continue after them."""
    if connection.dialect.name != "postgresql":
        return
    for name in ("departments", "users", "courses", "modules", "module_versions", "requirements",
                 "assignments", "module_completions"):
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {name}), 1))"
        )
