"""The measures `make bench` prints, how to read each out of a result, and the targets.

Targets are ratios to a yardstick measured in the same run (bench/yardsticks.py, issue 20):
absolute seconds do not transfer between machines, ratios do. Absolute figures stay in the
table for reading, without a mark; ✓/✗ goes beside ratios only, and beside peak memory
(megabytes do not depend on the machine's speed).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

TIMES = "\N{MULTIPLICATION SIGN}"  # ratios print as "2.50" TIMES
Getter = Callable[[dict[str, Any]], float | None]
Check = Callable[[float, dict[str, Any]], bool]

# Employee pages against the bare route (issue 20.3): PostgreSQL pays round trips SQLite does not.
PAGE_SHARE = {"sqlite": 25.0, "postgresql": 15.0}


def get(*keys: str) -> Getter:
    """Read result[k1][k2]...; None when any is missing."""

    def read(result: dict[str, Any]) -> float | None:
        value: Any = result
        for key in keys:
            if not isinstance(value, dict) or key not in value or value[key] is None:
                return None
            value = value[key]
        return float(value)

    return read


def ratio(numerator: Getter, denominator: Getter, scale: float = 1.0) -> Getter:
    def read(result: dict[str, Any]) -> float | None:
        top, bottom = numerator(result), denominator(result)
        if top is None or not bottom:
            return None
        return scale * top / bottom

    return read


@dataclasses.dataclass(frozen=True)
class Measure:
    name: str
    read: Getter
    unit: str = ""  # TIMES and "%" are ratios
    target: str = ""
    passes: Check | None = None
    section: str = ""  # the bench/run.py --only section that measures it

    def mark(self, result: dict[str, Any]) -> str:
        """" ✓" or " ✗" when the measure has a target and a value, "" otherwise."""
        value = self.read(result)
        if self.passes is None or value is None:
            return ""
        return " ✓" if self.passes(value, result) else " ✗"

    def cell(self, result: dict[str, Any]) -> str:
        value = self.read(result)
        if value is None:
            return "—"
        if self.unit == TIMES:
            return f"{value:.2f}{TIMES}{self.mark(result)}"
        if self.unit == "%":
            return f"{value:.1f}%{self.mark(result)}"
        digits = 0 if abs(value) >= 100 else 2
        return f"{value:,.{digits}f}{self.unit}{self.mark(result)}"


def at_most(times: float) -> tuple[str, Check]:
    """Target text and check of "at most `times` the yardstick"."""
    return f"≤ {times:g}{TIMES}", lambda value, result: value <= times


def _page_share(value: float, result: dict[str, Any]) -> bool:
    return value >= PAGE_SHARE[result["database"]]


_scan = get("dashboard", "scan_all", "p95_ms")
_scan_one = get("dashboard", "scan_one_department", "p95_ms")
_queries = get("dashboard", "queries_all", "p95_ms")
_queries_one = get("dashboard", "queries_one_department", "p95_ms")
_hr_page = get("dashboard", "page", "p95_ms")
_list = get("employee_list", "first_page", "p95_ms")
_search = get("employee_list", "search", "p95_ms")
_bare, _module, _dashboard = get("web", "bare_rps"), get("web", "module_rps"), get("web", "dashboard_rps")
_bulk_read, _export = get("bulk_read", "rows_per_s"), get("export", "rows_per_s")
_export_s, _pack_s = get("export", "seconds"), get("pack", "seconds")
_import_s, _import_yardstick = get("import_s"), get("yardstick_import", "seconds")
_sync_s, _sync_yardstick = get("sync_first", "seconds"), get("yardstick_sync", "seconds")
_noop_s = get("sync_noop", "seconds")
_PAGES = "≥ 25% SQLite, ≥ 15% PostgreSQL"

MEASURES: list[Measure] = [
    # Web pages: gunicorn + wrk against the bare route.
    Measure("bare Flask route (req/s)", _bare, target="yardstick", section="web"),
    Measure("module page (req/s)", _module, section="web"),
    Measure("module page / bare route", ratio(_module, _bare, 100), "%", _PAGES, _page_share, "web"),
    Measure("employee dashboard / bare route", ratio(_dashboard, _bare, 100), "%", _PAGES, _page_share,
            "web"),
    # HR pages: against one plain GROUP BY over the same current assignments.
    Measure("aggregate scan p95", _scan, " ms", "yardstick", section="dashboard"),
    Measure("HR dashboard queries p95", _queries, " ms", section="dashboard"),
    Measure("HR dashboard queries / scan", ratio(_queries, _scan), TIMES, *at_most(3), "dashboard"),
    Measure("one department's queries / its scan", ratio(_queries_one, _scan_one), TIMES, *at_most(3),
            "dashboard"),
    Measure("HR dashboard page p95", _hr_page, " ms", section="dashboard"),
    Measure("HR dashboard page / scan", ratio(_hr_page, _scan), TIMES, *at_most(4), "dashboard"),
    Measure("employee list p95", _list, " ms", section="dashboard"),
    Measure("employee list / scan", ratio(_list, _scan), TIMES, *at_most(4), "dashboard"),
    Measure("employee search p95", _search, " ms", section="dashboard"),
    Measure("employee search / scan", ratio(_search, _scan), TIMES, *at_most(4), "dashboard"),
    # Export: against the database's bulk read of the same SELECT.
    Measure("bulk read (rows/s)", _bulk_read, target="yardstick", section="export"),
    Measure("export (rows/s)", _export, section="export"),
    Measure("export / bulk read", ratio(_export, _bulk_read, 100), "%", "≥ 50%", lambda v, r: v >= 50,
            "export"),
    Measure("export peak RSS", get("export", "peak_rss_mb"), " MB", "≤ 200 MB, flat in N",
            lambda v, r: v <= 200, "export"),
    # Auditor pack: against the export's time in the same run.
    Measure("auditor pack", _pack_s, " s", section="pack"),
    Measure("auditor pack / export time", ratio(_pack_s, _export_s), TIMES, *at_most(3), "pack"),
    Measure("auditor pack peak RSS", get("pack", "peak_rss_mb"), " MB", section="pack"),
    # For reading: the pack writes several times the export's rows; this is its cost per row.
    Measure("auditor pack rows", get("pack", "rows"), section="pack"),
    Measure("auditor pack / export, per row", ratio(ratio(_pack_s, get("pack", "rows")),
                                                    ratio(_export_s, get("export", "rows"))),
            TIMES, section="pack"),
    # Staff import and sync: against a bulk insert of as many rows into a scratch table.
    Measure("bulk insert, import's rows", _import_yardstick, " s", "yardstick", section="import"),
    Measure("staff import incl. sync", _import_s, " s", section="import"),
    Measure("staff import / bulk insert", ratio(_import_s, _import_yardstick), TIMES, *at_most(6), "import"),
    Measure("bulk insert, sync's rows", _sync_yardstick, " s", "yardstick", section="import"),
    Measure("first sync", _sync_s, " s", section="import"),
    Measure("first sync / bulk insert", ratio(_sync_s, _sync_yardstick), TIMES, *at_most(4), "import"),
    Measure("no-op sync / first sync", ratio(_noop_s, _sync_s, 100), "%", "≤ 10%", lambda v, r: v <= 10,
            "import"),
    Measure("import plan, unknown-manager chain", get("import_unknown_chain_s"), " s", section="import"),
    # Reminders: no yardstick yet; figures for reading.
    Measure("reminder planning", get("reminders", "plan_first_s"), " s", section="reminders"),
    Measure("delivery (e-mails/s)", lambda r: _rate(r), section="reminders"),
]

# Absolute costs whose growth with N docs/performance.md reports (seconds, or ms; a rate grows
# inversely). Ratios are left out: they are flat when both sides grow alike.
GROWTH = ["aggregate scan p95", "HR dashboard queries p95", "HR dashboard page p95", "employee list p95",
          "employee search p95", "bulk read (rows/s)", "export (rows/s)", "export peak RSS", "auditor pack",
          "auditor pack peak RSS", "bulk insert, import's rows", "staff import incl. sync",
          "bulk insert, sync's rows", "first sync", "import plan, unknown-manager chain", "reminder planning"]


def _rate(result: dict[str, Any]) -> float | None:
    numbers = result.get("reminders") or {}
    return numbers["emails"] / numbers["deliver_s"] if numbers.get("deliver_s") else None


def measure(name: str) -> Measure:
    return next(m for m in MEASURES if m.name == name)
