"""HR benchmark: dashboard latency, export throughput and memory, staff import time.

    .venv/bin/python bench/hr.py                       # 50,000 x 10 courses, SQLite and PostgreSQL
    .venv/bin/python bench/hr.py --employees 5000 --db sqlite --runs 10

SQLite runs in a temporary file; PostgreSQL in a throwaway database created and dropped
here (BENCH_PG_URL names the server, default postgresql+psycopg://postgres@127.0.0.1:5432/postgres).
Exports run in a child process so that its peak RSS is the export's alone. Every step is
a function, so a later benchmark harness can call them one by one.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.hr_data import NOW, Shape, generate  # noqa: E402
from trainer import clock, create_app  # noqa: E402
from trainer.audit import Actor  # noqa: E402
from trainer.compliance.status import Thresholds  # noqa: E402
from trainer.extensions import db  # noqa: E402

PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
TODAY = NOW.date()
THRESHOLDS = Thresholds()


# --- databases --------------------------------------------------------------------------

@contextlib.contextmanager
def throwaway_database(kind: str) -> Iterator[str]:
    """A URL for an empty database of `kind` ("sqlite" or "postgresql"), removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="trainer-bench-") as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    name = f"trainer_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def make_app(url: str, *, cli: bool = False) -> Any:
    """The app on `url`; `cli`: as `trainer` commands run it (imports, syncs, the auditor
    pack), with the CLI's database time limits instead of a web request's."""
    instance = tempfile.mkdtemp(prefix="trainer-bench-instance-")
    return create_app({"DATABASE_URL": url, "SECRET_KEY": "b" * 48, "INSTANCE_PATH": instance,
                       "TESTING": True, "CLI": cli})


def prepare(app: Any, shape: Shape) -> dict[str, Any]:
    """Migrate, fill with `shape`, analyse, and take the monthly snapshots (as cron would)."""
    from flask_migrate import upgrade

    from trainer.compliance.counts import merge_counts
    from trainer.reports.trend import take_snapshots

    with app.app_context():
        upgrade()
        started = time.perf_counter()
        with db.engine.begin() as connection:
            counts = generate(connection, shape)
        generated = time.perf_counter() - started
        # The generator's COPYs left the dashboard's counts as one unmerged row per key and
        # chunk on PostgreSQL; a sync would merge them (trainer/compliance/counts.py).
        merge_counts(db.session)
        db.session.commit()
        _analyse()
        started = time.perf_counter()
        with clock.frozen(TODAY):
            take_snapshots(db.session, Actor.cli(), TODAY, THRESHOLDS)
        db.session.commit()
        return {"rows": counts, "generate_s": round(generated, 1),
                "snapshots_s": round(time.perf_counter() - started, 2)}


def _analyse() -> None:
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))


# --- dashboard --------------------------------------------------------------------------

def timings(work: Callable[[], Any], runs: int, warmup: int = 2) -> dict[str, float]:
    """Median and 95th percentile of `runs` calls, in milliseconds."""
    return interleaved_timings({"work": work}, runs, warmup)["work"]


def interleaved_timings(
    works: dict[str, Callable[[], Any]], runs: int, warmup: int = 2
) -> dict[str, dict[str, float]]:
    """`timings` of several works sampled in turn (a, b, c, a, b, c, ...): a burst of load
    from elsewhere on the machine lands on all of them alike, so their ratios hold."""
    for _ in range(warmup):
        for work in works.values():
            work()
    samples: dict[str, list[float]] = {name: [] for name in works}
    for _ in range(runs):
        for name, work in works.items():
            started = time.perf_counter()
            work()
            samples[name].append((time.perf_counter() - started) * 1000)
    return {name: _summary(values) for name, values in samples.items()}


def _summary(samples: list[float]) -> dict[str, float]:
    samples = sorted(samples)
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return {"median_ms": round(statistics.median(samples), 1), "p95_ms": round(p95, 1)}


def dashboard_queries(session: Any, filters: Any) -> None:
    """Everything the dashboard asks the database (what the view calls)."""
    from trainer.reports.choices import filter_choices
    from trainer.reports.dashboard import compliance_overview
    from trainer.reports.trend import compliance_trend

    choices = filter_choices(session, filters)
    overview = compliance_overview(session, TODAY, THRESHOLDS, filters, choices)
    compliance_trend(session, TODAY, THRESHOLDS, filters, overview.total)


def measure_dashboard(app: Any, runs: int) -> dict[str, Any]:
    """Dashboard query latency (all departments, and one department), and the whole page."""
    from trainer.reports.filters import ReportFilter

    results: dict[str, Any] = {}
    with app.app_context(), clock.frozen(TODAY):
        results["queries_all"] = timings(lambda: dashboard_queries(db.session, ReportFilter()), runs)
        results["queries_one_department"] = timings(
            lambda: dashboard_queries(db.session, ReportFilter(department_id=3)), runs)
        client = admin_client(app)

        def page() -> None:
            response = client.get("/hr/")
            assert response.status_code == 200, response.status_code

        results["page"] = timings(page, runs)
    return results


def admin_client(app: Any) -> Any:
    """A test client signed in as person 1 (an admin), with the session a sign-in starts
    (trainer.web.session.start_session); call inside clock.frozen(TODAY)."""
    client = app.test_client()
    with client.session_transaction() as session:
        now = clock.now().timestamp()
        session["_user_id"], session["_fresh"] = "1:1", True
        session["signed_in_at"] = session["last_seen"] = now
    return client


# --- exports ----------------------------------------------------------------------------

def export_in_child(url: str, report: str) -> dict[str, Any]:
    """Run one export in a fresh process; returns rows, rows/s and that process's peak RSS.

    Linux keeps ru_maxrss across execve, so a child exec'd straight from this (large)
    process would report our peak, not its own; a shell in between forks it afresh.
    """
    command = [sys.executable, __file__, "export-worker", url, report]
    output = subprocess.run(["/bin/sh", "-c", '"$@"; exit $?', "sh", *command],
                            capture_output=True, text=True, check=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def run_export(url: str, report: str) -> dict[str, Any]:
    """The worker: stream an export to nowhere, counting lines."""
    from trainer.reports.exports import assignment_list, audit_evidence, completion_matrix
    from trainer.reports.filters import ReportFilter

    if report == "auditor-pack":
        return run_auditor_pack(make_app(url, cli=True))
    app = make_app(url)
    with app.app_context(), clock.frozen(TODAY):
        baseline = _peak_rss_mb()
        # Open the connection first: the yardstick reads on one already open, as a web
        # request finds one in the pool (a fresh process's first connect is ~40 ms).
        db.session.connection()
        started = time.perf_counter()
        if report == "completion":
            export = completion_matrix(db.session, "csv", ReportFilter(), TODAY, THRESHOLDS)
        elif report == "assignments":
            export = assignment_list(db.session, "csv", ReportFilter(), TODAY, THRESHOLDS)
        else:
            export = audit_evidence(db.session, "csv", ReportFilter(), TODAY - dt.timedelta(days=730), TODAY,
                                    TODAY)
        rows = sum(chunk.count("\r\n") for chunk in export.chunks) - 1
        seconds = time.perf_counter() - started
    return {"report": report, "rows": rows, "seconds": round(seconds, 2),
            "rows_per_s": round(rows / seconds), "peak_rss_mb": _peak_rss_mb(),
            "peak_rss_before_export_mb": baseline, "vm_hwm_mb": _vm_hwm_mb()}


PACK_DAYS = 365


def run_auditor_pack(app: Any) -> dict[str, Any]:
    """The worker for the auditor pack of the past year, everyone, as of TODAY (what
    `trainer report auditor-pack` writes), into a temporary file."""
    from trainer.reports.auditor_pack import PackRequest, write_pack
    from trainer.reports.filters import ReportFilter
    from trainer.reports.pack_data import pack_period

    period = pack_period(TODAY - dt.timedelta(days=PACK_DAYS - 1), TODAY, TODAY, TODAY)
    request = PackRequest(period, ReportFilter(), "all departments", "Bench", THRESHOLDS)
    with app.app_context(), clock.frozen(TODAY), tempfile.TemporaryFile() as output:
        baseline = _peak_rss_mb()
        started = time.perf_counter()
        manifest = write_pack(db.session, request, output)
        seconds = time.perf_counter() - started
        size = output.tell()
        peak = {"peak_rss_mb": _peak_rss_mb(), "peak_rss_before_export_mb": baseline,
                "vm_hwm_mb": _vm_hwm_mb()}
        rows = _csv_rows_in_zip(output)  # after the peak is read: counting is not the pack's
    return {"report": "auditor-pack", "seconds": round(seconds, 2), "bytes": size, "rows": rows,
            "files": len(manifest["files"]), **peak}


def _csv_rows_in_zip(output: Any) -> int:
    """Rows of every CSV file in the pack, headers left out (read after the timing). The
    bench's data has no line break inside a cell, so a row is a line feed (counted alone:
    a CRLF may straddle two blocks)."""
    import zipfile

    output.seek(0)
    rows = 0
    with zipfile.ZipFile(output) as pack:
        for name in pack.namelist():
            if name.endswith(".csv"):
                with pack.open(name) as entry:
                    rows += sum(block.count(b"\n") for block in iter(lambda: entry.read(1 << 20), b"")) - 1
    return rows


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _vm_hwm_mb() -> float | None:
    """The kernel's own peak RSS of this process image (a cross-check of getrusage)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


# --- import -----------------------------------------------------------------------------

def staff_csv(
    employees: int, *, prefix: str = "person", changed_every: int = 0, missing_every: int = 0
) -> bytes:
    """A staff list of `employees` people (the generated ones with prefix "person"),
    with every n-th one's job role changed and every m-th one left out. It has no hired_on
    or active column: those stay as they are, as in an HR feed that does not send them."""
    from bench.hr_data import DEPARTMENTS

    lines = ["email,name,department,job_role,manager_email"]
    for i in range(1, employees + 1):
        if missing_every and i % missing_every == 0 and i != 1:
            continue
        manager = "" if i == 1 else f"{prefix}{1 if i % 10 == 1 else i - (i - 1) % 10}@bench.example"
        role = f"Role {i % 25}" + (" (new)" if changed_every and i % changed_every == 0 else "")
        lines.append(f"{prefix}{i}@bench.example,Person {i:06d},{DEPARTMENTS[(i * 7) % len(DEPARTMENTS)]},"
                     f"{role},{manager}")
    return ("\n".join(lines) + "\n").encode()


def measure_import(app: Any, raw: bytes, *, deactivate_missing: bool = False) -> dict[str, Any]:
    """Parse, plan, apply and sync one staff file in one transaction, rolled back afterwards."""
    from trainer.people.privileged import Authority
    from trainer.people.staff_apply import apply_import
    from trainer.people.staff_file import read_staff_bytes
    from trainer.people.staff_import import ImportOptions, plan_import

    with app.app_context(), clock.frozen(TODAY):
        marks = [time.perf_counter()]
        staff = read_staff_bytes(raw)
        marks.append(time.perf_counter())
        plan = plan_import(db.session, staff, ImportOptions(deactivate_missing=deactivate_missing),
                           authority=Authority.operator())
        marks.append(time.perf_counter())
        result = apply_import(db.session, Actor.cli(), plan, TODAY)
        marks.append(time.perf_counter())
        db.session.rollback()
    phases = ("parse_s", "plan_s", "apply_and_sync_s")
    report = {name: round(marks[i + 1] - marks[i], 2) for i, name in enumerate(phases)}
    report.update(total_s=round(marks[-1] - marks[0], 2), summary=plan.summary(),
                  assignments_created=result.sync.created, assignments_closed=result.sync.closed)
    return report


# --- the whole run ----------------------------------------------------------------------

def bench_database(kind: str, shape: Shape, runs: int) -> dict[str, Any]:
    results: dict[str, Any] = {"database": kind, "employees": shape.employees, "courses": shape.courses}
    with throwaway_database(kind) as url:
        results["initial_import"] = measure_import_into_empty(make_app(url, cli=True), shape)
    with throwaway_database(kind) as url:
        app = make_app(url)
        results["prepare"] = prepare(app, shape)
        results["dashboard"] = measure_dashboard(app, runs)
        results["exports"] = [export_in_child(url, report)
                              for report in ("assignments", "completion", "evidence")]
        results["daily_sync_import"] = measure_import(
            app, staff_csv(shape.employees, changed_every=50, missing_every=100), deactivate_missing=True)
        with app.app_context():
            db.engine.dispose()
    return results


def unknown_manager_chain_csv(employees: int) -> bytes:
    """A staff list whose one manager chain runs through everyone and ends in a manager
    nobody knows: every row is refused, each because of the row above it."""
    lines = ["email,name,manager_email", "chain1@bench.example,Chain 1,nobody@bench.example"]
    lines += [f"chain{i}@bench.example,Chain {i},chain{i - 1}@bench.example" for i in range(2, employees + 1)]
    return ("\n".join(lines) + "\n").encode()


def measure_unknown_manager_chain(employees: int) -> float:
    """Seconds to read and plan `unknown_manager_chain_csv` (in the current app context):
    planning is one linear pass whatever the manager graph."""
    from trainer.people.privileged import Authority
    from trainer.people.staff_file import read_staff_bytes
    from trainer.people.staff_import import ImportOptions, plan_import

    started = time.perf_counter()
    staff = read_staff_bytes(unknown_manager_chain_csv(employees))
    plan = plan_import(db.session, staff, ImportOptions(skip_bad_rows=True), authority=Authority.operator())
    assert len(plan.problems) == employees, len(plan.problems)
    db.session.rollback()
    return round(time.perf_counter() - started, 2)


def measure_import_into_empty(app: Any, shape: Shape) -> dict[str, Any]:
    """First load: everyone new, into a migrated database holding only the courses and a
    requirement for each (so sync creates employees x courses assignments). Rolled back."""
    from flask_migrate import upgrade

    from bench.hr_data import insert_catalogue

    with app.app_context():
        upgrade()
        with db.engine.begin() as connection:
            insert_catalogue(connection, shape)
    result = measure_import(app, staff_csv(shape.employees, prefix="new"))
    with app.app_context():
        db.engine.dispose()
    return result


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "export-worker":
        print(json.dumps(run_export(sys.argv[2], sys.argv[3])))
        return
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=50_000)
    parser.add_argument("--courses", type=int, default=10)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    shape = Shape(employees=args.employees, courses=args.courses)
    for kind in kinds:
        print(json.dumps(bench_database(kind, shape, args.runs), indent=2, default=str), flush=True)


if __name__ == "__main__":
    main()
