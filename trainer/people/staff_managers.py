"""Checking the manager of every row of a staff import: known, and not in a loop.

One linear pass whatever the shape of the manager graph (a 50,000-row chain that ends in an
unknown manager is planned in seconds; repeating until stable took minutes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trainer.people.staff_file import Problem, StaffRow

if TYPE_CHECKING:
    from trainer.people.staff_import import Account


def check_managers(
    rows: list[StaffRow], accounts: dict[str, Account], leaving: set[str], problems: list[Problem]
) -> list[StaffRow]:
    """Drop rows whose manager is unknown or who would manage themselves in a loop, in one
    linear pass whatever the shape of the manager graph.

    Dropping a row makes its person unknown to the rows they manage, unless they already have
    an account: so the rows below a dropped one are dropped by walking the reports once.
    """
    known_accounts = {e for e in accounts if e not in leaving}
    in_file = {r.email for r in rows}
    reports: dict[str, list[StaffRow]] = {}
    for row in rows:
        manager = row.fields.get("manager_email")
        if manager:
            reports.setdefault(manager, []).append(row)
    dropped: dict[str, Problem] = {}
    unknown = [r for r in rows if (m := r.fields.get("manager_email")) and m not in in_file
               and m not in known_accounts]
    for row in unknown:
        manager = row.fields["manager_email"]
        why = "would be deactivated (not in this file)" if manager in leaving else \
            "is neither in this file (without errors) nor an existing account"
        dropped[row.email] = Problem(row.line, f"unknown manager {manager}: {why}.")
    _drop_reports(list(dropped), reports, known_accounts, dropped)
    remaining = [r for r in rows if r.email not in dropped]
    looped = _cycles(remaining, accounts)
    dropped.update(looped)
    _drop_reports(list(looped), reports, known_accounts, dropped)
    problems.extend(dropped.values())
    return [r for r in rows if r.email not in dropped]


def _drop_reports(start: list[str], reports: dict[str, list[StaffRow]], known_accounts: set[str],
                  dropped: dict[str, Problem]) -> None:
    """Everyone below the dropped rows whose chain passes only through new people."""
    queue = [email for email in start if email not in known_accounts]
    while queue:
        manager = queue.pop()
        for row in reports.get(manager, []):
            if row.email in dropped:
                continue
            dropped[row.email] = Problem(row.line, f"unknown manager {manager}: is neither in this file "
                                                   "(without errors) nor an existing account.")
            if row.email not in known_accounts:
                queue.append(row.email)


def _cycles(rows: list[StaffRow], accounts: dict[str, Account]) -> dict[str, Problem]:
    """Rows whose chain of managers comes back to them, after the import."""
    manager_of = {email: a.manager_email for email, a in accounts.items()}
    for row in rows:
        if "manager_email" in row.fields:
            manager_of[row.email] = row.fields["manager_email"]
    line_of = {r.email: r.line for r in rows}
    state: dict[str, int] = {}  # 1: on the current path, 2: known to end without a loop
    found: dict[str, Problem] = {}
    for start in line_of:
        path: list[str] = []
        email: str | None = start
        while email is not None and state.get(email) is None:
            state[email] = 1
            path.append(email)
            email = manager_of.get(email)
        if email is not None and state.get(email) == 1:
            loop = path[path.index(email):]
            text = " → ".join([*loop, email])
            for member in loop:
                if member in line_of:
                    found[member] = Problem(line_of[member], f"manager cycle: {text}.")
        for member in path:
            state[member] = 2
    return found
