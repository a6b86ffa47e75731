"""`make bench`: Trainer at 1,000, 10,000 and 50,000 employees, on SQLite and PostgreSQL.

For each database and size it builds a synthetic organisation (bench/hr_data.py: departments,
managers, ten courses with a rule each, two years of completions, refreshers, overdue and
expiring items) in a throwaway database and measures:

- web throughput under gunicorn (2 workers) with wrk on 127.0.0.1: a bare Flask route, and
  an employee's module page and dashboard (signed in) — the ratio to the bare route is the figure;
- HR dashboard and employee-list latency (median, p95);
- completion export rows/s and peak RSS (in a child process);
- staff CSV import of N new people (with its assignment sync), then assignment sync from
  scratch and a no-op re-sync;
- reminder planning for N employees and delivery to a local SMTP server (bench/reminders.py).

It prints one table and writes everything as JSON to bench/results/. Options:
    python bench/run.py [--sizes 1000,10000,50000] [--db sqlite|postgresql|both] [--seconds 10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, update  # noqa: E402

from bench import hr, mixed, reminders, web_load  # noqa: E402
from bench.hr_data import Shape, insert_catalogue  # noqa: E402
from bench.targets import TARGETS, check  # noqa: E402
from trainer import clock  # noqa: E402
from trainer.compliance.sync import sync_assignments  # noqa: E402
from trainer.extensions import db  # noqa: E402
from trainer.models import Assignment, ModuleVersion, User  # noqa: E402
from trainer.security import hash_password  # noqa: E402

PASSWORD = "bench passphrase for the load test"  # noqa: S105 -- a throwaway benchmark database
RESULTS = ROOT / "bench" / "results"


def measure_size(kind: str, employees: int, seconds: int, runs: int, mixed_seconds: int) -> dict[str, Any]:
    shape = Shape(employees=employees)
    result: dict[str, Any] = {"database": kind, "employees": employees, "courses": shape.courses}
    with hr.throwaway_database(kind) as url:
        result.update(measure_import_and_sync(url, shape))
    with hr.throwaway_database(kind) as url:
        app = hr.make_app(url)
        result["prepare"] = hr.prepare(app, shape)
        realistic_module_pages(app)
        result["dashboard"] = hr.measure_dashboard(app, runs)
        result["employee_list"] = measure_employee_list(app, runs)
        result["export"] = hr.export_in_child(url, "assignments")
        result["web"] = measure_web(app, url, seconds)
        if mixed_seconds and kind == "postgresql" and employees == 10_000:
            result["mixed"] = measure_mixed(app, url, mixed_seconds)
        with app.app_context():
            db.engine.dispose()
    with hr.throwaway_database(kind) as url:
        numbers = reminders.run_benchmark(url, employees, deliver=min(2000, employees))
        result["reminders"] = numbers.__dict__
    return result


def measure_import_and_sync(url: str, shape: Shape) -> dict[str, Any]:
    """Import N new people (committing), then time a sync from nothing and a no-op re-sync."""
    from flask_migrate import upgrade

    from trainer.audit import Actor
    from trainer.people.privileged import Authority
    from trainer.people.staff_apply import apply_import
    from trainer.people.staff_file import read_staff_bytes
    from trainer.people.staff_import import ImportOptions, plan_import

    app = hr.make_app(url)
    with app.app_context(), clock.frozen(hr.TODAY):
        upgrade()
        with db.engine.begin() as connection:
            insert_catalogue(connection, shape)
        started = time.perf_counter()
        staff = read_staff_bytes(hr.staff_csv(shape.employees, prefix="new"))
        plan = plan_import(db.session, staff, ImportOptions(), authority=Authority.operator())
        apply_import(db.session, Actor.cli(), plan, hr.TODAY)
        db.session.commit()
        imported = time.perf_counter() - started
        chain = hr.measure_unknown_manager_chain(shape.employees)
        db.session.execute(delete(Assignment))
        db.session.commit()
        first, created = _timed_sync()
        again, changed = _timed_sync()
        db.engine.dispose()
    return {"import_s": round(imported, 2), "import_unknown_chain_s": chain,
            "sync_first": {"seconds": round(first, 2), "created": created},
            "sync_noop": {"seconds": round(again, 2), "changes": changed}}


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


def measure_employee_list(app: Any, runs: int) -> dict[str, Any]:
    client = app.test_client()
    with app.app_context(), clock.frozen(hr.TODAY):
        with client.session_transaction() as session:  # person 1 is an admin
            session["_user_id"], session["_fresh"] = "1:1", True
            session["last_seen"] = clock.now().timestamp()

        def page(path: str) -> Any:
            return lambda: _ok(client.get(path))

        return {"first_page": hr.timings(page("/hr/employees"), runs),
                "search": hr.timings(page("/hr/employees?q=person 0421"), runs),
                "page_100": hr.timings(page("/hr/employees?page=100"), runs)}


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
    """One Markdown table: a row per measure, a column per database and size, targets beside."""
    columns = [f"{r['database']} {r['employees']:,}" for r in results]
    lines = ["| measure | " + " | ".join(columns) + " | target at 50,000 |",
             "|---|" + "---:|" * len(columns) + "---|"]
    for name, (getter, unit, target) in TARGETS.items():
        cells = []
        for r in results:
            value = getter(r)
            mark = check(name, r) if r["employees"] == 50_000 else ""
            cells.append(f"{value:,.{0 if value >= 100 else 2}f}{unit}{mark}" if value is not None else "—")
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {target} |")
    return "\n".join(lines)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per URL")
    parser.add_argument("--runs", type=int, default=20, help="samples per latency")
    parser.add_argument("--mixed-seconds", type=int, default=60,
                        help="mixed-workload load test on PostgreSQL at 10,000 (0: skip)")
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    results = []
    for kind in kinds:
        for size in (int(s) for s in args.sizes.split(",")):
            started = time.perf_counter()
            print(f"== {kind}, {size:,} employees ...", flush=True)
            results.append(measure_size(kind, size, args.seconds, args.runs, args.mixed_seconds))
            print(f"   done in {time.perf_counter() - started:.0f} s", flush=True)
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"bench-{stamp}.json").write_text(json.dumps(
        {"machine": " ".join(os.uname()), "cpus": os.cpu_count(), "results": results}, indent=2, default=str))
    report = table(results) + mixed_report(results)
    (RESULTS / "latest.md").write_text(report + "\n")
    print(report)


if __name__ == "__main__":
    main()
