"""No input makes a bulk path's cost superlinear (issue 20.5).

Each test measures one bulk path at N and at 4N rows in the same run and fails when the
larger costs more than RATIO_LIMIT times the smaller: linear work gives about 4 (less, with the
fixed costs of a statement or a file), work that grows with the square gives about 16. The
inputs are the worst shapes known: one manager chain through every row. The quadratic
planning once found in the staff import (repeating the manager check until stable, one row
lost per pass) fails here: reintroduced, the unknown-manager chain measured 10.4 where the
linear code measures 4.0.

The cost is CPU time, this process's and the PostgreSQL server processes' (see CpuSeconds):
on a busy shared machine wall time varied by several times between runs of the same work.
The sizes alternate (N, 4N, N, 4N, ...) from an empty database each time, and the least of
ROUNDS runs of each size counts. N is chosen so that a test takes a few seconds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import io
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.hr import unknown_manager_chain_csv
from bench.hr_data import Shape, generate, insert_catalogue, insert_people, reset_sequences
from tests.conftest import _empty_tables
from trainer import clock
from trainer.audit import Actor
from trainer.compliance.status import Thresholds
from trainer.compliance.sync import sync_assignments
from trainer.extensions import db
from trainer.people.api_tokens import create_token
from trainer.people.privileged import Authority
from trainer.people.staff_apply import apply_import
from trainer.people.staff_file import read_staff_bytes
from trainer.people.staff_import import ImportOptions, plan_import
from trainer.reports import auditor_pack
from trainer.reports.auditor_pack import PackRequest, write_pack
from trainer.reports.filters import ReportFilter
from trainer.reports.pack_data import pack_period

RATIO_LIMIT = 6.0
ROUNDS = 3
TODAY = dt.date(2026, 6, 15)
COURSES = 3
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cost_ratio(size: int, prepare: Callable[[int], Any], work: Callable[[Any], Any]) -> tuple[float, str]:
    """Least CPU time of `work` at 4 * size over the least at size; and the figures, for the
    message. `prepare(n)` fills an emptied database for n rows (not timed) and returns the
    input of `work`."""
    best = {size: float("inf"), 4 * size: float("inf")}
    for _ in range(ROUNDS):
        for n in best:
            db.session.remove()
            _empty_tables()
            given = prepare(n)
            db.session.commit()
            gc.collect()
            before = cpu_seconds()
            work(given)
            best[n] = min(best[n], cpu_seconds().since(before))
    ratio = best[4 * size] / best[size]
    small, large = best[size], best[4 * size]
    return ratio, f"CPU seconds: {size} rows {small:.3f}, {4 * size} rows {large:.3f}, ratio {ratio:.1f}"


class CpuSeconds:
    """CPU time used so far by this process and, on PostgreSQL, by each server process
    serving the test database (all local): what the work cost, however many other
    processes share the machine's cores. Wall time on a busy 2-core machine varies by
    several times from one run to the next; CPU time hardly does."""

    def __init__(self, own: float, server: dict[int, float]) -> None:
        self.own, self.server = own, server

    def since(self, before: CpuSeconds) -> float:
        server = sum(t - before.server.get(pid, 0.0) for pid, t in self.server.items())
        return self.own - before.own + server


def cpu_seconds() -> CpuSeconds:
    server: dict[int, float] = {}
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            pids = connection.exec_driver_sql(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()").scalars().all()
        for pid in pids:
            with contextlib.suppress(OSError):  # a connection that has just closed
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                server[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
    return CpuSeconds(time.process_time(), server)


def catalogue(courses: int = COURSES) -> None:
    """Courses with modules and a requirement for everyone each (bench/hr_data.py)."""
    with db.engine.begin() as connection:
        insert_catalogue(connection, Shape(employees=0, courses=courses))
        reset_sequences(connection)


def chain(n: int) -> list[dict[str, str]]:
    """n new people in one chain of management, each row managed by the row above: the
    deepest manager graph a staff list can have (a walk up from every row is quadratic)."""
    return [{"email": f"chain{i}@example.com", "name": f"Chain Person {i:05d}", "department": "Sales",
             "manager_email": f"chain{i - 1}@example.com" if i > 1 else ""} for i in range(1, n + 1)]


def as_csv(rows: list[dict[str, str]]) -> bytes:
    lines = [",".join(rows[0])] + [",".join(row.values()) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def test_staff_import_costs_linear_in_rows(app):
    def prepare(n: int) -> bytes:
        catalogue()
        return as_csv(chain(n))

    def work(raw: bytes) -> None:
        with clock.frozen(TODAY):
            staff = read_staff_bytes(raw)
            plan = plan_import(db.session, staff, ImportOptions(), authority=Authority.operator())
            assert not plan.problems
            result = apply_import(db.session, Actor.cli(), plan, TODAY)
            db.session.commit()
        assert result.sync.created == len(plan.created) * COURSES

    ratio, figures = cost_ratio(200, prepare, work)
    assert ratio <= RATIO_LIMIT, figures


def test_import_planning_costs_linear_when_a_chain_ends_in_an_unknown_manager(app):
    """Every row refused, each because of the row above it: once planned by repeating until
    stable, one row lost per pass."""

    def work(raw: bytes) -> None:
        plan = plan_import(db.session, read_staff_bytes(raw), ImportOptions(skip_bad_rows=True),
                           authority=Authority.operator())
        db.session.rollback()
        assert len(plan.problems) == raw.count(b"\n") - 1

    ratio, figures = cost_ratio(1000, unknown_manager_chain_csv, work)
    assert ratio <= RATIO_LIMIT, figures


def test_first_sync_costs_linear_in_people(app):
    def prepare(n: int) -> int:
        with db.engine.begin() as connection:
            insert_people(connection, Shape(employees=n, courses=COURSES))
        catalogue()
        return n

    def work(n: int) -> None:
        with clock.frozen(TODAY):
            result = sync_assignments(db.session, TODAY)
            db.session.commit()
        assert result.created > 0.9 * n * COURSES  # all but the inactive few

    ratio, figures = cost_ratio(400, prepare, work)
    assert ratio <= RATIO_LIMIT, figures


def test_api_employee_sync_costs_linear_in_rows(app, client):
    def prepare(n: int) -> tuple[dict[str, str], list[dict[str, str]]]:
        catalogue()
        token = create_token(db.session, Actor.cli(), name="HRIS", scopes=["sync"], expires_in_days=30)
        return {"Authorization": f"Bearer {token.plain}"}, chain(n)

    def work(given: tuple[dict[str, str], list[dict[str, str]]]) -> None:
        headers, employees = given
        response = client.post("/api/v1/employees/sync", headers=headers, json={"employees": employees})
        assert response.status_code == 200, response.json
        assert len(response.json["created"]) == len(employees)

    ratio, figures = cost_ratio(200, prepare, work)
    assert ratio <= RATIO_LIMIT, figures


def test_auditor_pack_costs_linear_in_people(app, monkeypatch):
    """Everything the pack reads and writes, but the summary PDF's rendering: its size is
    bounded whatever N (a department-by-course table, at most OVERDUE_LISTED overdue
    people; its figures are still computed), and at these sizes its fixed cost would hide
    how the rest grows."""
    monkeypatch.setattr(auditor_pack, "summary_pdf", lambda figures: b"%PDF- not rendered here")

    def prepare(n: int) -> PackRequest:
        with db.engine.begin() as connection:
            generate(connection, Shape(employees=n, courses=COURSES))
        period = pack_period(TODAY - dt.timedelta(days=364), TODAY, TODAY, TODAY)
        return PackRequest(period, ReportFilter(), "all departments", "Linear cost", Thresholds())

    def work(request: PackRequest) -> None:
        output = io.BytesIO()
        with clock.frozen(TODAY):
            manifest = write_pack(db.session, request, output)
        db.session.rollback()
        assert len(manifest["files"]) > 5

    ratio, figures = cost_ratio(150, prepare, work)
    assert ratio <= RATIO_LIMIT, figures
