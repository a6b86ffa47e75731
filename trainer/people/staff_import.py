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
from trainer.people.privileged import Authority, refusal
from trainer.people.staff_file import Problem, StaffFile, StaffRow
from trainer.people.staff_managers import check_managers

FIELDS = ("email", "employee_id", "name", "department", "job_role", "manager_email", "hired_on", "active")
# --deactivate-missing never deactivates more than this share of the active people (in the
# importer's scope) unless the importer names the expected number (TRAINER_IMPORT_MAX_DEACTIVATION_PERCENT).
MAX_DEACTIVATION_PERCENT = 10
# The fields an empty cell may clear, when the importer names them ("clear these fields").
CLEARABLE = ("employee_id", "department", "job_role", "manager_email", "hired_on")


@dataclasses.dataclass(frozen=True)
class Account:
    """What we hold about a person, in the staff list's terms."""

    id: int
    email: str
    employee_id: str | None
    name: str
    department: str | None
    department_id: int | None
    job_role: str | None
    manager_email: str | None
    hired_on: dt.date | None
    active: bool
    session_version: int
    is_hr: bool
    is_admin: bool
    is_auditor: bool

    def value(self, field: str) -> Any:
        return getattr(self, field)


@dataclasses.dataclass(frozen=True)
class Update:
    row: StaffRow
    account: Account
    changes: dict[str, tuple[Any, Any]]  # field -> (old, new)


@dataclasses.dataclass(frozen=True)
class Refused:
    """A change the privileged-accounts rule (or the import's own guard) does not allow."""

    line: int | None  # None: a deactivation of someone the file does not name
    email: str
    reason: str


@dataclasses.dataclass(frozen=True)
class ImportOptions:
    deactivate_missing: bool = False
    skip_bad_rows: bool = False
    # The number of people the importer expects a full sync to deactivate, when that is more
    # than the share below: the import goes ahead only if the plan deactivates exactly that many.
    allow_mass_deactivation: int | None = None
    max_deactivation_percent: float = MAX_DEACTIVATION_PERCENT
    # An empty cell keeps the field as it is, except for the fields named here, which it clears.
    clear_fields: frozenset[str] = frozenset()


@dataclasses.dataclass
class ImportPlan:
    total_rows: int
    options: ImportOptions
    created: list[StaffRow]
    updated: list[Update]
    deactivated: list[Account]
    unchanged: int
    problems: list[Problem]
    refused: list[Refused] = dataclasses.field(default_factory=list)
    # Why the deactivations are held back (too many, or the list is partial); None: they are not.
    deactivation_blocked: str | None = None
    active_people: int = 0  # in the importer's scope, the base of the share
    notes: list[str] = dataclasses.field(default_factory=list)
    partial_list: bool = False  # the file could not be read to the end
    new_departments: list[str] = dataclasses.field(default_factory=list)  # created by applying

    @property
    def count_confirmable(self) -> bool:
        """Held back only for their number: naming the expected number lets them go ahead."""
        return bool(self.deactivation_blocked) and not self.partial_list and (
            not self.problems or self.options.skip_bad_rows)

    @property
    def bad_lines(self) -> list[int]:
        return sorted({p.line for p in self.problems})

    @property
    def can_apply(self) -> bool:
        """Nothing is applied while any row is bad, unless bad rows are to be skipped (the
        header being wrong is never skippable), nor while deactivations are held back."""
        if self.deactivation_blocked:
            return False
        if any(p.line <= 1 and self.total_rows == 0 for p in self.problems):
            return False
        return not self.problems or self.options.skip_bad_rows

    @property
    def changes(self) -> int:
        return len(self.created) + len(self.updated) + len(self.deactivated)

    def summary(self) -> dict[str, int]:
        return {"rows": self.total_rows, "created": len(self.created), "updated": len(self.updated),
                "deactivated": len(self.deactivated), "unchanged": self.unchanged,
                "bad_rows": len(self.bad_lines), "refused": len(self.refused)}

    def digest(self) -> str:
        """Fingerprint of what applying would do: a preview is confirmed only if unchanged."""
        options = dataclasses.asdict(self.options)
        del options["allow_mass_deactivation"]  # given at confirmation; the list below is what counts
        options["clear_fields"] = sorted(self.options.clear_fields)
        description = {
            "options": options,
            "created": [(r.email, r.name, r.fields) for r in self.created],
            "updated": [(u.account.id, u.changes) for u in self.updated],
            "deactivated": [a.id for a in self.deactivated],
            "problems": [(p.line, p.message) for p in self.problems],
            "refused": [dataclasses.astuple(r) for r in self.refused],
        }
        encoded = json.dumps(description, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()


def plan_import(
    session: Session,
    staff: StaffFile,
    options: ImportOptions = ImportOptions(),
    *,
    authority: Authority,
    scope: frozenset[int] | None = None,
    acting_user_id: int | None = None,
) -> ImportPlan:
    """Compare `staff` with the accounts we hold. `authority` says on whose authority the
    import is made (people/privileged.py decides which accounts it may touch); `scope` limits
    an HR user to their departments; the acting user is never deactivated (nobody locks
    themselves out)."""
    accounts = load_accounts(session)
    problems = list(staff.problems)
    notes = list(staff.notes)
    rows, matched = match_rows(staff.rows, accounts, problems)
    rows = _in_scope(session, rows, matched, scope, problems)
    refused: list[Refused] = []
    leaving: list[Account] = []
    if options.deactivate_missing:
        if staff.rows:
            leaving = _missing(staff, accounts, {a.id for a in matched.values()}, scope, acting_user_id)
            leaving, refused = _allowed_deactivations(leaving, authority)
        else:
            notes.append("The list names nobody, so nobody is deactivated.")
    rows = check_managers(rows, accounts, {a.email for a in leaving}, problems)
    created, updated, unchanged = _diff(rows, matched, options.clear_fields)
    updated, refused_rows = _allowed_updates(updated, authority)
    refused = refused_rows + refused
    problems.sort(key=lambda p: p.line)
    active = sum(1 for a in accounts.values() if a.active and (scope is None or a.department_id in scope))
    blocked = _deactivation_blocked(staff, leaving, active, options)
    return ImportPlan(staff.total, options, created, updated, leaving, unchanged, problems, refused,
                      blocked, active, notes, partial_list=not staff.complete,
                      new_departments=_new_departments(session, created, updated))


def _new_departments(session: Session, created: list[StaffRow], updated: list[Update]) -> list[str]:
    wanted = {r.fields.get("department") for r in created}
    wanted |= {u.changes["department"][1] for u in updated if "department" in u.changes}
    wanted.discard(None)
    known = set(session.scalars(select(Department.name)))
    return sorted(str(name) for name in wanted - known)


def _allowed_updates(updated: list[Update], authority: Authority) -> tuple[list[Update], list[Refused]]:
    allowed, refused = [], []
    for update in updated:
        reason = refusal(authority, update.account)
        if reason is None:
            allowed.append(update)
        else:
            refused.append(Refused(update.row.line, update.account.email, reason))
    return allowed, refused


def _allowed_deactivations(
    leaving: list[Account], authority: Authority
) -> tuple[list[Account], list[Refused]]:
    """Administrators are never deactivated for being missing from a file (an admin page
    does that, one person at a time); HR accounts only on an administrator's authority."""
    allowed, refused = [], []
    for account in leaving:
        reason = refusal(authority, account)
        if account.is_admin:
            reason = ("is an administrator: a staff list never deactivates an administrator for being "
                      "missing from it (deactivate them on the Users page)")
        if reason is None:
            allowed.append(account)
        else:
            refused.append(Refused(None, account.email, f"not deactivated: {reason}"))
    return allowed, refused


def _deactivation_blocked(staff: StaffFile, leaving: list[Account], active: int,
                          options: ImportOptions) -> str | None:
    """Why the deactivations may not go ahead, or None. A full sync that would deactivate more
    than the allowed share is a wrong or truncated file far more often than a real layoff."""
    if not leaving:
        return None
    if not staff.complete:
        return ("The file could not be read to the end, so it is not a full staff list: nobody is "
                "deactivated from it. Fix the file and preview it again.")
    count, allowed = len(leaving), options.allow_mass_deactivation
    if allowed is not None:
        if allowed == count:
            return None
        return (f"This import would deactivate {count} people, not the {allowed} you expected. "
                "Nothing was imported.")
    if count * 100 <= active * options.max_deactivation_percent:
        return None
    return (f"This import would deactivate {count} of {active} active people, more than "
            f"{options.max_deactivation_percent:g} %. Check that the file is the full staff list.")


def load_accounts(session: Session) -> dict[str, Account]:
    """Every account that is not pseudonymised, by e-mail, in one query."""
    manager = aliased(User)
    query = (
        select(User.id, User.email, User.employee_id, User.name, Department.name.label("department"),
               User.department_id,
               User.job_role, manager.email.label("manager_email"), User.hired_on, User.active,
               User.session_version, User.is_hr, User.is_admin, User.is_auditor)
        .outerjoin(Department, Department.id == User.department_id)
        .outerjoin(manager, manager.id == User.manager_id)
        .where(User.pseudonymised_at.is_(None))
    )
    return {row.email.lower(): Account(**row._asdict()) for row in session.execute(query)}


def match_rows(
    rows: list[StaffRow], accounts: dict[str, Account], problems: list[Problem]
) -> tuple[list[StaffRow], dict[int, Account]]:
    """Each row's account (by line): by employee id first, so a changed address updates the
    same person, then by e-mail. A row whose id and address point at two different people
    is a problem, never a guess."""
    by_id = {a.employee_id: a for a in accounts.values() if a.employee_id}
    kept, matched = [], {}
    for row in rows:
        employee_id = row.fields.get("employee_id")
        by_email = accounts.get(row.email)
        account = by_id.get(employee_id) if employee_id else None
        if account is not None and by_email is not None and by_email.id != account.id:
            message = f"employee id {employee_id} is {account.email}, but {row.email} is another person's"
            problems.append(Problem(row.line, message + " address."))
            continue
        if account is None and employee_id and by_email is not None and by_email.employee_id:
            problems.append(Problem(row.line, f"{row.email} has employee id {by_email.employee_id} here, "
                                              f"not {employee_id}."))
            continue
        account = account or by_email
        if account is not None:
            matched[row.line] = account
        kept.append(row)
    return kept, matched


def _in_scope(
    session: Session, rows: list[StaffRow], matched: dict[int, Account],
    scope: frozenset[int] | None, problems: list[Problem],
) -> list[StaffRow]:
    """An HR user limited to some departments may only touch people in them."""
    if scope is None:
        return rows
    names = dict(session.execute(select(Department.name, Department.id)).all())
    allowed = []
    for row in rows:
        account = matched.get(row.line)
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
    staff: StaffFile, accounts: dict[str, Account], matched: set[int], scope: frozenset[int] | None,
    acting_user_id: int | None,
) -> list[Account]:
    """Active accounts the file does not name (within scope): a full sync deactivates them.
    Named means matched by a row, or their address or employee id on any row (bad ones too)."""
    return sorted(
        (a for email, a in accounts.items()
         if a.active and a.id not in matched and email not in staff.named
         and not (a.employee_id and a.employee_id in staff.named_ids) and a.id != acting_user_id
         and (scope is None or a.department_id in scope)),
        key=lambda a: a.email,
    )


def _diff(
    rows: list[StaffRow], matched: dict[int, Account], clear: frozenset[str]
) -> tuple[list[StaffRow], list[Update], int]:
    created, updated, unchanged = [], [], 0
    for row in rows:
        account = matched.get(row.line)
        if account is None:
            created.append(row)
            continue
        kept = {f: v for f, v in row.fields.items() if v is not None or f in clear}
        wanted = {"email": row.email, "name": row.name, **kept}
        changes = {f: (account.value(f), wanted[f]) for f in FIELDS
                   if f in wanted and wanted[f] != account.value(f)}
        if changes:
            updated.append(Update(row, account, changes))
        else:
            unchanged += 1
    return created, updated, unchanged
