"""Yardsticks: what the database itself does for the same work, measured in the same run.

Absolute seconds do not transfer between machines; the ratio of Trainer's time to the
database's own time for the same rows does (issue 20). Each yardstick is the plainest way
the database can do the job, with no ORM and no Python beyond reading or feeding the rows:

- `aggregate_scan`: one `SELECT ... GROUP BY` over the current assignments of active people
  (the dashboard's and the HR lists' rows), counted per department and course;
- `bulk_read`: the export's own SELECT read as fast as the database hands it out: `COPY
  (SELECT ...) TO STDOUT` on PostgreSQL, a plain sqlite3 cursor loop on SQLite;
- `bulk_insert`: the same number of rows an import or a sync writes, inserted with COPY /
  executemany (trainer/bulk.py) into a scratch table of the same columns.

Every function takes a SQLAlchemy Engine (or Connection) and returns plain numbers, so other
benchmarks and one-off measurements can call them.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import Column, Engine, MetaData, Select, Table

from trainer.bulk import insert_rows
from trainer.models import Base

CHUNK = 20_000


# --- aggregate scan (HR dashboard, employee list, search) --------------------------------

def aggregate_scan_sql(department_id: int | None = None) -> str:
    """The current assignments of active people (one department's, if given), counted per
    department and course: the rows the dashboard groups, without status or ORM."""
    narrowed = f" AND u.department_id = {int(department_id)}" if department_id is not None else ""
    return ("SELECT COALESCE(u.department_id, 0), a.course_id, COUNT(*) "
            "FROM assignments a JOIN users u ON u.id = a.user_id "
            f"WHERE a.current AND u.active{narrowed} GROUP BY 1, 2")


def aggregate_scan(engine: Engine, department_id: int | None = None) -> Callable[[], int]:
    """A callable running the scan once (on a connection kept open, as a pool would);
    returns the number of assignments counted."""
    connection = engine.connect()
    sql = aggregate_scan_sql(department_id)

    def scan() -> int:
        total = sum(n for _, _, n in connection.exec_driver_sql(sql))
        connection.rollback()
        return total

    return scan


# --- bulk read (export) -------------------------------------------------------------------

def literal_sql(engine: Engine, query: Select[Any]) -> str:
    """`query` as one SQL string with its values inlined (dates, statuses), for COPY."""
    return str(query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))


def bulk_read(engine: Engine, query: Select[Any]) -> dict[str, Any]:
    """Read every row of `query` the database's fastest way; rows, seconds and rows/s."""
    sql = literal_sql(engine, query)
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        started = time.perf_counter()
        if engine.dialect.name == "postgresql":
            # The database's own speed, without the web request's statement time limit
            # (which a COPY of 3.4 million rows at 200,000 people exceeds).
            connection.exec_driver_sql("SET LOCAL statement_timeout = 0")
            rows = _copy_out(raw, sql)
        else:
            rows = sum(1 for _ in raw.execute(sql))  # type: ignore[union-attr]
        seconds = time.perf_counter() - started
        connection.rollback()
    return {"rows": rows, "seconds": round(seconds, 3), "rows_per_s": round(rows / seconds) if seconds else 0}


def _copy_out(raw: Any, sql: str) -> int:
    """COPY (sql) TO STDOUT in text format; counts the lines received."""
    rows = 0
    with raw.cursor() as cursor, cursor.copy(f"COPY ({sql}) TO STDOUT") as copy:
        for block in copy:
            rows += bytes(block).count(b"\n")
    return rows


# --- bulk insert (staff import, first sync) ----------------------------------------------

def bulk_insert(engine: Engine, template: str, rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Insert `rows` into a fresh scratch table with the columns of table `template` (its
    primary key, no other index or constraint), committed; the table is dropped after."""
    scratch = _scratch_table(template)
    scratch.create(engine)
    try:
        started = time.perf_counter()
        count = 0
        with engine.begin() as connection:
            for chunk in _chunks(rows):
                count += insert_rows(connection, scratch, chunk)
        seconds = time.perf_counter() - started
    finally:
        scratch.drop(engine)
    return {"rows": count, "seconds": round(seconds, 3)}


def bulk_insert_many(engine: Engine, parts: Iterable[tuple[str, Iterable[dict[str, Any]]]]) -> dict[str, Any]:
    """`bulk_insert` of several tables' rows one after the other; total rows and seconds."""
    results = [bulk_insert(engine, template, rows) for template, rows in parts]
    return {"rows": sum(r["rows"] for r in results), "seconds": round(sum(r["seconds"] for r in results), 3)}


# The bulk insert is taken this many times and its median kept: one COPY of the same rows
# took 1.6 s in one run and 5.1 s in another on the same machine and code (1 Dec 2026),
# far more than the work it measures moved, so one sample decided the ratio's ✓/✗.
INSERT_RUNS = 3


def median_insert(measure: Callable[[], dict[str, Any]], runs: int = INSERT_RUNS) -> dict[str, Any]:
    """Run a bulk-insert yardstick (`bulk_insert`, `bulk_insert_many`; `measure` makes its
    rows afresh each time) `runs` times; the median run's result, with every run's seconds."""
    results = sorted((measure() for _ in range(runs)), key=lambda result: result["seconds"])
    return {**results[len(results) // 2], "runs_s": [result["seconds"] for result in results]}


def _scratch_table(template: str) -> Table:
    source = Base.metadata.tables[template]
    columns = [Column(c.name, c.type, primary_key=c.primary_key, autoincrement=False)
               for c in source.columns]
    return Table(f"bench_scratch_{template}_{uuid.uuid4().hex[:6]}", MetaData(), *columns)


def _chunks(rows: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def people_rows(count: int, today: dt.date) -> Iterator[dict[str, Any]]:
    """`count` rows shaped like the people a staff import creates."""
    created = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
    for i in range(1, count + 1):
        yield {"id": i, "email": f"scratch{i}@bench.example", "name": f"Person {i:06d}",
               "department_id": i % 12 + 1, "job_role": f"Role {i % 25}", "manager_id": None,
               "password_hash": None, "is_hr": False, "is_admin": False, "active": True,
               "hired_on": None, "locale": "en", "created_at": created, "session_version": 1,
               "digest_frequency": "immediate"}


def assignment_rows(count: int, today: dt.date, courses: int = 10) -> Iterator[dict[str, Any]]:
    """`count` rows shaped like the assignments a first sync creates."""
    due = today + dt.timedelta(days=30)
    for i in range(1, count + 1):
        yield {"id": i, "user_id": (i - 1) // courses + 1, "course_id": (i - 1) % courses + 1,
               "requirement_id": (i - 1) % courses + 1, "cycle": 1, "reason": "new_hire",
               "assigned_on": today, "due_on": due, "counts_from": None, "started_on": None,
               "completed_on": None, "expires_on": None, "current": True, "closed_on": None,
               "closed_reason": None, "change_note": ""}
