"""Planning a staff import: the difference between a staff list and the accounts we hold.

`plan_import` reads every account once (one query) and compares: who would be created,
who updated (with each field's old and new value), who deactivated (only on a full sync,
only when asked), who is unchanged, and which rows are wrong and why. Nothing is written:
the plan is shown as a preview, and `trainer.people.staff_apply.apply_import` carries it out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from trainer.models import Department, User
from trainer.people.staff_file import Problem, StaffFile, StaffRow

FIELDS = ("name", "department", "job_role", "manager_email", "hired_on", "active")


@dataclasses.dataclass(frozen=True)
class Account:
    """What we hold about a person, in the staff list's terms."""

    id: int
    email: str
    name: str
    department: str | None
    department_id: int | None
    job_role: str | None
    manager_email: str | None
    hired_on: dt.date | None
    active: bool
    session_version: int

    def value(self, field: str) -> Any:
        return getattr(self, field)


@dataclasses.dataclass(frozen=True)
class Update:
    row: StaffRow
    account: Account
    changes: dict[str, tuple[Any, Any]]  # field -> (old, new)


@dataclasses.dataclass(frozen=True)
class ImportOptions:
    deactivate_missing: bool = False
    skip_bad_rows: bool = False


@dataclasses.dataclass
class ImportPlan:
    total_rows: int
    options: ImportOptions
    created: list[StaffRow]
    updated: list[Update]
    deactivated: list[Account]
    unchanged: int
    problems: list[Problem]

    @property
    def bad_lines(self) -> list[int]:
        return sorted({p.line for p in self.problems})

    @property
    def can_apply(self) -> bool:
        """Nothing is applied while any row is bad, unless bad rows are to be skipped (the
        header being wrong is never skippable)."""
        if any(p.line <= 1 and self.total_rows == 0 for p in self.problems):
            return False
        return not self.problems or self.options.skip_bad_rows

    @property
    def changes(self) -> int:
        return len(self.created) + len(self.updated) + len(self.deactivated)

    def summary(self) -> dict[str, int]:
        return {"rows": self.total_rows, "created": len(self.created), "updated": len(self.updated),
                "deactivated": len(self.deactivated), "unchanged": self.unchanged,
                "bad_rows": len(self.bad_lines)}

    def digest(self) -> str:
        """Fingerprint of what applying would do: a preview is confirmed only if unchanged."""
        description = {
            "options": dataclasses.asdict(self.options),
            "created": [(r.email, r.name, r.fields) for r in self.created],
            "updated": [(u.account.id, u.changes) for u in self.updated],
            "deactivated": [a.id for a in self.deactivated],
            "problems": [(p.line, p.message) for p in self.problems],
        }
        encoded = json.dumps(description, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()


def plan_import(
    session: Session,
    staff: StaffFile,
    options: ImportOptions = ImportOptions(),
    *,
    scope: frozenset[int] | None = None,
    acting_user_id: int | None = None,
) -> ImportPlan:
    """Compare `staff` with the accounts we hold. `scope` limits an HR user to their
    departments; the acting user is never deactivated (nobody locks themselves out)."""
    accounts = load_accounts(session)
    problems = list(staff.problems)
    rows = _in_scope(session, staff.rows, accounts, scope, problems)
    leaving = _missing(staff, accounts, scope, acting_user_id) if options.deactivate_missing else []
    rows = _check_managers(rows, accounts, {a.email for a in leaving}, problems)
    created, updated, unchanged = _diff(rows, accounts)
    problems.sort(key=lambda p: p.line)
    return ImportPlan(staff.total, options, created, updated, leaving, unchanged, problems)


def load_accounts(session: Session) -> dict[str, Account]:
    """Every account that is not pseudonymised, by e-mail, in one query."""
    manager = aliased(User)
    query = (
        select(User.id, User.email, User.name, Department.name.label("department"), User.department_id,
               User.job_role, manager.email.label("manager_email"), User.hired_on, User.active,
               User.session_version)
        .outerjoin(Department, Department.id == User.department_id)
        .outerjoin(manager, manager.id == User.manager_id)
        .where(User.pseudonymised_at.is_(None))
    )
    return {row.email.lower(): Account(**row._asdict()) for row in session.execute(query)}


def _in_scope(
    session: Session, rows: list[StaffRow], accounts: dict[str, Account],
    scope: frozenset[int] | None, problems: list[Problem],
) -> list[StaffRow]:
    """An HR user limited to some departments may only touch people in them."""
    if scope is None:
        return rows
    names = dict(session.execute(select(Department.name, Department.id)).all())
    allowed = []
    for row in rows:
        account = accounts.get(row.email)
        department = row.fields.get("department", account.department if account else None)
        if account is not None and account.department_id not in scope:
            problems.append(Problem(row.line, f"{row.email} is in a department outside yours."))
        elif not department:
            problems.append(Problem(row.line, "no department: you may only import people into yours."))
        elif names.get(department) not in scope:
            problems.append(Problem(row.line, f"department '{department}' is not one of yours."))
        else:
            allowed.append(row)
    return allowed


def _missing(
    staff: StaffFile, accounts: dict[str, Account], scope: frozenset[int] | None,
    acting_user_id: int | None,
) -> list[Account]:
    """Active accounts the file does not name (within scope): a full sync deactivates them."""
    return sorted(
        (a for email, a in accounts.items()
         if a.active and email not in staff.named and a.id != acting_user_id
         and (scope is None or a.department_id in scope)),
        key=lambda a: a.email,
    )


def _check_managers(
    rows: list[StaffRow], accounts: dict[str, Account], leaving: set[str], problems: list[Problem]
) -> list[StaffRow]:
    """Drop rows whose manager is unknown or who would manage themselves in a loop.

    Repeats until stable: dropping a manager's row can leave their reports' manager unknown.
    """
    while True:
        known = {r.email for r in rows} | {e for e in accounts if e not in leaving}
        bad = {}
        for row in rows:
            manager = row.fields.get("manager_email")
            if manager and manager not in known:
                why = "would be deactivated (not in this file)" if manager in leaving else \
                    "is neither in this file (without errors) nor an existing account"
                bad[row.email] = Problem(row.line, f"unknown manager {manager}: {why}.")
        if not bad:
            bad = _cycles(rows, accounts)
        if not bad:
            return rows
        problems.extend(bad.values())
        rows = [r for r in rows if r.email not in bad]


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


def _diff(rows: list[StaffRow], accounts: dict[str, Account]) -> tuple[list[StaffRow], list[Update], int]:
    created, updated, unchanged = [], [], 0
    for row in rows:
        account = accounts.get(row.email)
        if account is None:
            created.append(row)
            continue
        wanted = {"name": row.name, **row.fields}
        changes = {f: (account.value(f), wanted[f]) for f in FIELDS
                   if f in wanted and wanted[f] != account.value(f)}
        if changes:
            updated.append(Update(row, account, changes))
        else:
            unchanged += 1
    return created, updated, unchanged
