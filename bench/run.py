"""`make bench`: Trainer at 1,000, 10,000 and 50,000 employees, on SQLite and PostgreSQL,
each measure against a yardstick measured in the same run (issue 20).

For each database and size it builds a synthetic organisation (bench/hr_data.py: departments,
managers, ten courses with a rule each, two years of completions, refreshers, overdue and
expiring items) in a throwaway database and measures, by section (`--only`):

- import: staff CSV import of N new people (with its assignment sync), a sync from scratch
  and a no-op re-sync, against a bulk insert of as many rows into a scratch table;
- dashboard: HR dashboard queries and page, employee list and search (median, p95), sampled in turn
  against one plain GROUP BY over the same current assignments;
- export: the assignment export's rows/s and peak RSS (in a child process), against the
  database's bulk read of the same SELECT (COPY on PostgreSQL, a cursor loop on SQLite);
- pack: the auditor pack of the past year (child process), against the export's time;
- web: gunicorn (2 workers) + wrk on 127.0.0.1: an employee's module page and dashboard,
  against a bare Flask route;
- reminders: planning for N employees and delivery to a local SMTP server (bench/reminders.py);
- mixed: the mixed workload (bench/mixed.py), on PostgreSQL at 10,000 only.

The yardsticks are in bench/yardsticks.py, the measures and targets in bench/targets.py.
It prints one table (✓/✗ on ratios) and the growth of each cost with N, and writes
everything as JSON to bench/results/. Options:
    python bench/run.py [--sizes 1000,10000,50000] [--db sqlite|postgresql|both] [--seconds 10]
                        [--runs 20] [--only dashboard,export,...] [--mixed-seconds 60]
200,000 employees works too (`--sizes 200000 --db postgresql`); not in the default set.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import gc
import itertools
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, update  # noqa: E402

from bench import hr, mixed, reminders, web_load, yardsticks  # noqa: E402
from bench.hr_data import Shape, insert_catalogue  # noqa: E402
from bench.targets import GROWTH, MEASURES, TIMES, measure  # noqa: E402
from trainer import clock  # noqa: E402
from trainer.commands.gunicorn_config import freeze_start_up_objects  # noqa: E402
from trainer.compliance.sync import sync_assignments  # noqa: E402
from trainer.extensions import db  # noqa: E402
from trainer.models import Assignment, ModuleVersion, User  # noqa: E402
from trainer.security import hash_password  # noqa: E402

SECTIONS = ("import", "dashboard", "export", "pack", "web", "reminders", "mixed")
# Sections that need the organisation with its history (generated once per database and size).
_ON_HISTORY = {"dashboard", "export", "pack", "web", "mixed"}


@dataclasses.dataclass(frozen=True)
class Options:
    seconds: int = 10  # wrk duration per URL
    runs: int = 20  # samples per latency
    mixed_seconds: int = 60  # the mixed workload on PostgreSQL at 10,000 (0: skip)
    only: frozenset[str] = frozenset(SECTIONS)


PASSWORD = "bench passphrase for the load test"  # noqa: S105 -- a throwaway benchmark database
RESULTS = ROOT / "bench" / "results"


def measure_size(kind: str, employees: int, options: Options = Options()) -> dict[str, Any]:
    """Every section of `options.only` at one database and size; one result dict."""
    shape = Shape(employees=employees)
    only = options.only
    result: dict[str, Any] = {"database": kind, "employees": employees, "courses": shape.courses}
    if "import" in only:
        with hr.throwaway_database(kind) as url:
            result.update(measure_import_and_sync(url, shape))
    if only & _ON_HISTORY:
        with hr.throwaway_database(kind) as url:
            loader = hr.make_app(url, cli=True)  # filling and snapshots run as commands do
            result["prepare"] = hr.prepare(loader, shape)
            with loader.app_context():
                db.engine.dispose()
            app = hr.make_app(url)
            realistic_module_pages(app)
            if "dashboard" in only:
                with frozen_start_up_objects():
                    result.update(measure_hr_pages(app, options.runs))
            if only & {"export", "pack"}:
                result["bulk_read"] = measure_bulk_read(app)
                result["export"] = hr.export_in_child(url, "assignments")
            if "pack" in only:
                result["pack"] = hr.export_in_child(url, "auditor-pack")
            if "web" in only:
                result["web"] = measure_web(app, url, options.seconds)
            if "mixed" in only and options.mixed_seconds and kind == "postgresql" and employees == 10_000:
                result["mixed"] = measure_mixed(app, url, options.mixed_seconds)
            with app.app_context():
                db.engine.dispose()
    if "reminders" in only:
        with hr.throwaway_database(kind) as url:
            numbers = reminders.run_benchmark(url, employees, deliver=min(2000, employees))
            result["reminders"] = numbers.__dict__
    return result


@contextlib.contextmanager
def frozen_start_up_objects() -> Iterator[None]:
    """The in-process HR measures run as in a `trainer serve` worker, whose objects from
    start-up are frozen out of garbage collection (trainer/commands/gunicorn_config.py);
    here those are also the generator's. Unfrozen afterwards, for the next size's sake."""
    freeze_start_up_objects()
    try:
        yield
    finally:
        gc.unfreeze()


def measure_import_and_sync(url: str, shape: Shape) -> dict[str, Any]:
    """Import N new people (committing), then time a sync from nothing and a no-op re-sync;
    then the yardsticks: a bulk insert of as many people and assignments as the import wrote,
    and of as many assignments as the first sync created, into scratch tables (each the
    median of `yardsticks.INSERT_RUNS`)."""
    from flask_migrate import upgrade

    from trainer.audit import Actor
    from trainer.people.privileged import Authority
    from trainer.people.staff_apply import apply_import
    from trainer.people.staff_file import read_staff_bytes
    from trainer.people.staff_import import ImportOptions, plan_import

    app = hr.make_app(url, cli=True)
    with app.app_context(), clock.frozen(hr.TODAY):
        upgrade()
        with db.engine.begin() as connection:
            insert_catalogue(connection, shape)
        started = time.perf_counter()
        staff = read_staff_bytes(hr.staff_csv(shape.employees, prefix="new"))
        plan = plan_import(db.session, staff, ImportOptions(), authority=Authority.operator())
        applied = apply_import(db.session, Actor.cli(), plan, hr.TODAY)
        db.session.commit()
        imported = time.perf_counter() - started
        chain = hr.measure_unknown_manager_chain(shape.employees)
        db.session.execute(delete(Assignment))
        db.session.commit()
        first, created = _timed_sync()
        again, changed = _timed_sync()
        engine = db.engine
        yardstick_import = yardsticks.median_insert(lambda: yardsticks.bulk_insert_many(engine, [
            ("users", yardsticks.people_rows(shape.employees, hr.TODAY)),
            ("assignments", yardsticks.assignment_rows(applied.sync.created, hr.TODAY, shape.courses))]))
        yardstick_sync = yardsticks.median_insert(lambda: yardsticks.bulk_insert(
            engine, "assignments", yardsticks.assignment_rows(created, hr.TODAY, shape.courses)))
        db.engine.dispose()
    return {"import_s": round(imported, 2), "import_unknown_chain_s": chain,
            "sync_first": {"seconds": round(first, 2), "created": created},
            "sync_noop": {"seconds": round(again, 2), "changes": changed},
            "yardstick_import": yardstick_import, "yardstick_sync": yardstick_sync}


def _timed_sync() -> tuple[float, int]:
    started = time.perf_counter()
    result = sync_assignments(db.session, hr.TODAY)
    db.session.commit()
    return time.perf_counter() - started, result.created if result.created else result.changes


def realistic_module_pages(app: Any) -> None:
    """Give the synthetic modules the body and quiz of a real shipped module (page weight)."""
    from trainer.content.parser import parse_module

    source = (ROOT / "courses" / "breach-response" / "01-recognising-a-breach.md").read_text()
    parsed = parse_module(source, "01-recognising-a-breach.md")
    with app.app_context():
        db.session.execute(update(ModuleVersion).values(
            body_html=parsed.body_html(), quiz=parsed.quiz_snapshot(), minutes=parsed.meta.minutes,
            title=parsed.meta.title))
        db.session.execute(update(User).where(User.id.in_([1, 2])).values(
            password_hash=hash_password(PASSWORD), active=True))
        db.session.commit()


def measure_hr_pages(app: Any, runs: int) -> dict[str, Any]:
    """HR dashboard queries (all departments, department 3) and page, employee list and
    search, sampled in turn with their yardstick, the aggregate scan (all departments, and
    department 3's for the one-department queries)."""
    from trainer.reports.dashboard import compliance_overview
    from trainer.reports.filters import ReportFilter

    with app.app_context(), clock.frozen(hr.TODAY):
        scan_all = yardsticks.aggregate_scan(db.engine)
        scan_one = yardsticks.aggregate_scan(db.engine, department_id=3)
        # The scan counts the rows the dashboard counts.
        total = compliance_overview(db.session, hr.TODAY, hr.THRESHOLDS, ReportFilter()).total
        db.session.rollback()
        assert scan_all() == total.assigned, total
        client = hr.admin_client(app)

        def page(path: str) -> Any:
            return lambda: _ok(client.get(path))

        def queries(filters: ReportFilter) -> Any:
            return lambda: hr.dashboard_queries(db.session, filters)

        measured = hr.interleaved_timings({
            "scan_all": scan_all, "queries_all": queries(ReportFilter()),
            "scan_one_department": scan_one, "queries_one_department": queries(ReportFilter(department_id=3)),
            "page": page("/hr/"), "first_page": page("/hr/employees"),
            "search": page("/hr/employees?q=person 0421"), "page_100": page("/hr/employees?page=100"),
        }, runs)
    lists = ("first_page", "search", "page_100")
    return {"dashboard": {k: v for k, v in measured.items() if k not in lists},
            "employee_list": {k: measured[k] for k in lists}}


def measure_bulk_read(app: Any) -> dict[str, Any]:
    """The export yardstick: the database's bulk read of the assignment export's SELECT."""
    from trainer.reports.assignments import assignment_rows_query
    from trainer.reports.filters import ReportFilter

    with app.app_context():
        query = assignment_rows_query(ReportFilter(), hr.TODAY, hr.THRESHOLDS)
        yardsticks.bulk_read(db.engine, query)  # warm the cache as the export's run will find it
        return yardsticks.bulk_read(db.engine, query)


def _ok(response: Any) -> None:
    assert response.status_code == 200, response.status_code


def measure_web(app: Any, url: str, seconds: int) -> dict[str, Any]:
    """Throughput of a bare Flask route and of Trainer's pages, same machine, same run."""
    instance = tempfile.mkdtemp(prefix="trainer-bench-web-")
    env = {"TRAINER_DATABASE_URL": url, "TRAINER_SECRET_KEY": "w" * 48, "TRAINER_INSTANCE_PATH": instance,
           "HOME": instance, "TRAINER_SESSION_IDLE_MINUTES": "600"}
    with web_load.gunicorn("bench.bare_app:app", env) as base:
        bare = web_load.wrk(base + "/hello", seconds=seconds)
    with clock.frozen(hr.TODAY), web_load.gunicorn("trainer:create_app()", env) as base:
        cookie = web_load.sign_in(base, "person2@bench.example", PASSWORD)
        module = web_load.wrk(base + "/courses/course-1/module-1", cookie=cookie, seconds=seconds)
        dashboard = web_load.wrk(base + "/", cookie=cookie, seconds=seconds)
    return {
        "bare_rps": bare.requests_per_second,
        "module_rps": module.requests_per_second,
        "dashboard_rps": dashboard.requests_per_second,
        "module_ratio": round(module.requests_per_second / bare.requests_per_second, 3),
        "dashboard_ratio": round(dashboard.requests_per_second / bare.requests_per_second, 3),
        "errors": bare.errors + module.errors + dashboard.errors,
    }


def measure_mixed(app: Any, url: str, seconds: int, employees: int = 8) -> dict[str, Any]:
    """The mixed workload (bench/mixed.py) for `seconds` against gunicorn on this database."""
    emails = [f"person{n}@bench.example" for n in range(2, employees + 2)]
    with app.app_context():
        db.session.execute(update(User).where(User.email.in_([*emails, "person1@bench.example"]))
                           .values(password_hash=hash_password(PASSWORD), active=True))
        db.session.commit()
    instance = tempfile.mkdtemp(prefix="trainer-bench-mixed-")
    env = {"TRAINER_DATABASE_URL": url, "TRAINER_SECRET_KEY": "m" * 48, "TRAINER_INSTANCE_PATH": instance,
           "HOME": instance}
    with clock.frozen(hr.TODAY), web_load.gunicorn("trainer:create_app()", env) as base:
        return mixed.run(base, employees=emails, hr_email="person1@bench.example", password=PASSWORD,
                         module_path="/courses/course-1/module-1", seconds=seconds)


def table(results: list[dict[str, Any]]) -> str:
    """One Markdown table: a row per measure, a column per database and size, ✓/✗ on ratios."""
    sections = {section for r in results for section in SECTIONS if _has(r, section)}
    columns = [f"{r['database']} {r['employees']:,}" for r in results]
    lines = ["| measure | " + " | ".join(columns) + " | target |",
             "|---|" + "---:|" * len(columns) + "---|"]
    for m in MEASURES:
        if m.section and m.section not in sections:
            continue
        lines.append(f"| {m.name} | " + " | ".join(m.cell(r) for r in results) + f" | {m.target} |")
    return "\n".join(lines)


def _has(result: dict[str, Any], section: str) -> bool:
    keys = {"import": "import_s", "dashboard": "dashboard", "export": "export", "pack": "pack",
            "web": "web", "reminders": "reminders", "mixed": "mixed"}
    return keys[section] in result


def growth(results: list[dict[str, Any]]) -> str:
    """How each absolute cost grows from one size to the next, per database: the factor of
    the measure beside the factor of N (a rate flat in N reads 1.0)."""
    lines = []
    for kind in dict.fromkeys(r["database"] for r in results):
        runs = sorted((r for r in results if r["database"] == kind), key=lambda r: r["employees"])
        if len(runs) < 2:
            continue
        steps = list(itertools.pairwise(runs))
        head = [f"{a['employees']:,} → {b['employees']:,} (N {TIMES}{b['employees'] / a['employees']:g})"
                for a, b in steps]
        lines += ["", f"Growth with N, {kind}:", "", "| measure | " + " | ".join(head) + " |",
                  "|---|" + "---:|" * len(steps)]
        for name in GROWTH:
            m = measure(name)
            cells = [_factor(m.read(a), m.read(b)) for a, b in steps]
            if any(c != "—" for c in cells):
                lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _factor(before: float | None, after: float | None) -> str:
    if before is None or after is None or not before:
        return "—"
    return f"{TIMES}{after / before:.1f}"


def mixed_report(results: list[dict[str, Any]]) -> str:
    lines = []
    for r in results:
        if "mixed" not in r:
            continue
        m = r["mixed"]
        lines += ["", f"Mixed workload, {r['database']} {r['employees']:,}: {m['requests']:,} requests in "
                  f"{m['seconds']} s ({m['requests_per_s']}/s), {m['errors']} errors", "",
                  "| request | count | errors | median | p95 |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {kind} | {v['requests']:,} | {v['errors']} | {v['median_ms']} ms | {v['p95_ms']} ms |"
                  for kind, v in m["by_kind"].items()]
    return "\n".join(lines)


def parse_only(text: str) -> frozenset[str]:
    names = frozenset(n.strip() for n in text.split(",") if n.strip())
    unknown = names - set(SECTIONS)
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"--only takes some of {', '.join(SECTIONS)}")
    return names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per URL")
    parser.add_argument("--runs", type=int, default=20, help="samples per latency")
    parser.add_argument("--mixed-seconds", type=int, default=60,
                        help="mixed-workload load test on PostgreSQL at 10,000 (0: skip)")
    parser.add_argument("--only", type=parse_only, default=frozenset(SECTIONS),
                        help=f"comma-separated sections to measure: {', '.join(SECTIONS)}")
    args = parser.parse_args()
    options = Options(seconds=args.seconds, runs=args.runs, mixed_seconds=args.mixed_seconds, only=args.only)
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    results: list[dict[str, Any]] = []
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for kind in kinds:
        for size in (int(s) for s in args.sizes.split(",")):
            started = time.perf_counter()
            print(f"== {kind}, {size:,} employees ...", flush=True)
            results.append(measure_size(kind, size, options))
            print(f"   done in {time.perf_counter() - started:.0f} s", flush=True)
            # Written after every size: a failure at 200,000 keeps the hour spent before it.
            _write_json(RESULTS / f"bench-{stamp}.json", results)
    load = os.getloadavg()
    report = table(results) + "\n" + growth(results) + mixed_report(results)
    report += (f"\n\nLoad average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}"
               f" ({os.cpu_count()} CPUs)")
    (RESULTS / "latest.md").write_text(report + "\n")
    print(report)


def _write_json(path: Path, results: list[dict[str, Any]]) -> None:
    path.write_text(json.dumps(
        {"machine": " ".join(os.uname()), "cpus": os.cpu_count(), "load_average_at_end": os.getloadavg(),
         "arguments": sys.argv[1:], "results": results}, indent=2, default=str))


if __name__ == "__main__":
    main()
