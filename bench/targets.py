"""The performance targets at 50,000 employees (from the performance issue), and how to
read each measure out of a result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Getter = Callable[[dict[str, Any]], float | None]


def _get(*keys: str) -> Getter:
    def read(result: dict[str, Any]) -> float | None:
        value: Any = result
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return float(value)

    return read


def _percent(*keys: str) -> Getter:
    inner = _get(*keys)
    return lambda r: None if inner(r) is None else 100 * inner(r)  # type: ignore[operator]


# name: (getter, unit, target text); the checks below say which direction passes.
TARGETS: dict[str, tuple[Getter, str, str]] = {
    "bare Flask route (req/s)": (_get("web", "bare_rps"), "", "yardstick"),
    "module page (req/s)": (_get("web", "module_rps"), "", ""),
    "module page / bare route": (_percent("web", "module_ratio"), "%", "≥ 30%"),
    "employee dashboard / bare route": (_percent("web", "dashboard_ratio"), "%", ""),
    "HR dashboard p95 (queries)": (_get("dashboard", "queries_all", "p95_ms"), " ms", "≤ 300 ms"),
    "HR dashboard page p95": (_get("dashboard", "page", "p95_ms"), " ms", ""),
    "employee list p95": (_get("employee_list", "first_page", "p95_ms"), " ms", ""),
    "employee search p95": (_get("employee_list", "search", "p95_ms"), " ms", ""),
    "export (rows/s)": (_get("export", "rows_per_s"), "", "≥ 100,000"),
    "export peak RSS": (_get("export", "peak_rss_mb"), " MB", "≤ 200 MB"),
    "staff import incl. sync": (_get("import_s"), " s", "≤ 20 s"),
    "import plan, unknown-manager chain": (_get("import_unknown_chain_s"), " s", "≤ 20 s"),
    "first sync": (_get("sync_first", "seconds"), " s", "≤ 30 s"),
    "no-op sync": (_get("sync_noop", "seconds"), " s", "≤ 3 s and ≤ first/10"),
    "reminder planning": (_get("reminders", "plan_first_s"), " s", "≤ 10 s"),
    "delivery (e-mails/s)": (lambda r: _rate(r), "", ""),
}

_LIMITS: dict[str, Callable[[float, dict[str, Any]], bool]] = {
    "module page / bare route": lambda v, r: v >= 30,
    "HR dashboard p95 (queries)": lambda v, r: v <= 300,
    "export (rows/s)": lambda v, r: v >= 100_000,
    "export peak RSS": lambda v, r: v <= 200,
    "staff import incl. sync": lambda v, r: v <= 20,
    "import plan, unknown-manager chain": lambda v, r: v <= 20,
    "first sync": lambda v, r: v <= 30,
    "no-op sync": lambda v, r: v <= 3 and v <= r["sync_first"]["seconds"] / 10,
    "reminder planning": lambda v, r: v <= 10,
}


def _rate(result: dict[str, Any]) -> float | None:
    numbers = result.get("reminders") or {}
    return numbers["emails"] / numbers["deliver_s"] if numbers.get("deliver_s") else None


def check(name: str, result: dict[str, Any]) -> str:
    """" ✓" or " ✗" for a measure with a target, "" otherwise."""
    limit = _LIMITS.get(name)
    value = TARGETS[name][0](result)
    if limit is None or value is None:
        return ""
    return " ✓" if limit(value, result) else " ✗"
