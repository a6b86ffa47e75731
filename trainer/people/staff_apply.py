"""Carrying out a staff import plan in bulk, then bringing assignments in line.

A handful of set-based statements whatever the number of rows: insert the new
departments, insert the new people, update the changed ones (by primary key, many at a
time), set managers, deactivate the missing. Deactivating keeps every piece of evidence; it
ends the person's sessions (session_version) and sync closes their open assignments.
The caller commits, so the whole import is one transaction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from sqlalchemy import insert, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from trainer import audit, clock
from trainer.audit import Actor
from trainer.bulk import insert_rows
from trainer.compliance.sync import SyncResult, sync_assignments
from trainer.models import Department, User
from trainer.people.staff_import import ImportPlan

CHUNK = 5000
# The users table's Python-side constant defaults (is_auditor, hr_all_departments, ...).
_USER_DEFAULTS = {column.name: column.default.arg for column in User.__table__.columns
                  if isinstance(column.default, ScalarElementColumnDefault)}
# Above this many people, sync everyone rather than a list of ids (bound-parameter limits).
SYNC_ALL_ABOVE = 5000


class ImportRefused(ValueError):
    """The plan has bad rows and skipping them was not asked for."""


@dataclasses.dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    deactivated: int
    unchanged: int
    skipped: int
    sync: SyncResult
    refused: int = 0

    def summary(self) -> str:
        return (f"{self.created} created, {self.updated} updated, {self.deactivated} deactivated, "
                f"{self.unchanged} unchanged, {self.skipped} bad rows skipped, {self.refused} refused; "
                f"assignments: {self.sync.summary()}")


def apply_import(
    session: Session, actor: Actor, plan: ImportPlan, today: Any, *, refresher_window_days: int = 30,
    via: str = "staff import",
) -> ImportResult:
    """Apply `plan` (flushes, does not commit) and sync assignments for the people touched.
    `via` names the path in the audit events (staff import, API sync)."""
    if plan.deactivation_blocked:
        raise ImportRefused(plan.deactivation_blocked)
    if not plan.can_apply:
        raise ImportRefused(f"{len(plan.bad_lines)} rows have errors; nothing was imported.")
    departments = _departments(session, plan)
    ids = _create(session, plan, departments)
    ids.update({u.row.email: u.account.id for u in plan.updated})  # new addresses, as managers name them
    _update(session, plan, departments, ids)
    deactivated = [a.id for a in plan.deactivated]
    for chunk in _chunks(deactivated):
        session.execute(
            update(User).where(User.id.in_(chunk))
            .values(active=False, deactivated_at=clock.now(), session_version=User.session_version + 1)
            .execution_options(synchronize_session=False)
        )
    session.expire_all()
    touched = [ids[r.email] for r in plan.created] + [u.account.id for u in plan.updated] + deactivated
    result = ImportResult(len(plan.created), len(plan.updated), len(deactivated), plan.unchanged,
                          len(plan.bad_lines), _sync(session, actor, today, touched, refresher_window_days),
                          len(plan.refused))
    audit.record_many(session, actor, _account_events(plan, ids, via))
    audit.record(session, actor, "users.imported", **plan.summary(), via=via,
                 deactivate_missing=plan.options.deactivate_missing, assignments=result.sync.summary())
    return result


def _account_events(plan: ImportPlan, ids: dict[str, int], via: str) -> list[tuple[str, Any, dict[str, Any]]]:
    """One event per account the import created, changed, deactivated or reactivated, naming
    the fields changed (never their values: events name people by id only)."""
    events: list[tuple[str, Any, dict[str, Any]]] = [
        ("user.created", ("User", ids[r.email]), {"via": via, "fields": sorted(["name", *r.fields])})
        for r in plan.created]
    for change in plan.updated:
        active = change.changes.get("active")
        action = "user.updated" if active is None else "user.reactivated" if active[1] else "user.deactivated"
        events.append((action, ("User", change.account.id), {"via": via, "changed": sorted(change.changes)}))
    events += [("user.deactivated", ("User", a.id), {"via": via, "reason": "not in the staff list"})
               for a in plan.deactivated]
    return events


def _departments(session: Session, plan: ImportPlan) -> dict[str, int]:
    wanted = {r.fields["department"] for r in plan.created if r.fields.get("department")}
    wanted |= {u.changes["department"][1] for u in plan.updated if u.changes.get("department", (0, 0))[1]}
    known = dict(session.execute(select(Department.name, Department.id)).all())
    missing = sorted(wanted - set(known))
    if missing:
        session.execute(insert(Department), [{"name": name} for name in missing])
        known = dict(session.execute(select(Department.name, Department.id)).all())
    return known


def _create(session: Session, plan: ImportPlan, departments: dict[str, int]) -> dict[str, int]:
    """Insert the new people by `bulk.insert_rows`, starting each row from the model's scalar
    defaults (COPY fills none); returns every address -> id (new addresses of updated
    people are added by the caller).

    PostgreSQL: one COPY with ids taken from the sequence beforehand and managers already
    set. The foreign-key checks run at the end of the statement, so a manager may come later
    in the file. (The ORM's executemany of 10,000 rows cost 0.3-0.4 s, and setting managers
    afterwards two UPDATEs of 0.1 s each.) SQLite checks per statement: managers are set by
    `_update`, once everyone exists."""
    if not plan.created and not plan.updated:
        return {}
    now = clock.now()
    rows = [{
        **_USER_DEFAULTS,
        "email": r.email, "employee_id": r.fields.get("employee_id"), "name": r.name,
        "department_id": departments.get(r.fields.get("department") or ""),
        "job_role": r.fields.get("job_role"), "hired_on": r.fields.get("hired_on"),
        "active": r.fields.get("active") is not False,
        "deactivated_at": now if r.fields.get("active") is False else None,
        "created_at": now,
    } for r in plan.created]
    if not _managers_with_rows(session) or not rows:
        for chunk in _chunks(rows):
            insert_rows(session.connection(), User.__table__, chunk)
        return dict(session.execute(select(User.email, User.id)).all())
    ids = dict(session.execute(select(User.email, User.id)).all())
    new_ids = session.scalars(_NEXT_USER_IDS, {"n": len(rows)}).all()
    ids.update(zip((r.email for r in plan.created), new_ids, strict=True))
    named = {**ids, **{u.row.email: u.account.id for u in plan.updated}}
    for row, person, user_id in zip(rows, plan.created, new_ids, strict=True):
        manager = person.fields.get("manager_email")
        row.update(id=user_id, manager_id=named[manager] if manager else None)
    insert_rows(session.connection(), User.__table__, rows)
    return ids


def _managers_with_rows(session: Session) -> bool:
    """Whether new people get their managers as they are inserted (see `_create`)."""
    return session.get_bind().dialect.name == "postgresql"


_NEXT_USER_IDS = text("SELECT nextval(pg_get_serial_sequence('users', 'id')) FROM generate_series(1, :n)")


def _update(session: Session, plan: ImportPlan, departments: dict[str, int], ids: dict[str, int]) -> None:
    now = clock.now()
    values = [_changed_values(u.account.id, u.account.session_version, u.changes, departments, ids, now)
              for u in plan.updated]
    if not _managers_with_rows(session):
        values += [{"id": ids[r.email], "manager_id": ids[r.fields["manager_email"]]}
                   for r in plan.created if r.fields.get("manager_email")]
    for chunk in _chunks(values):
        session.execute(update(User), chunk)


def _changed_values(user_id: int, session_version: int, changes: dict[str, tuple[Any, Any]],
                    departments: dict[str, int], ids: dict[str, int], now: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"id": user_id}
    for field, (_, new) in changes.items():
        if field == "department":
            values["department_id"] = departments[new] if new else None
        elif field == "manager_email":
            values["manager_id"] = ids[new] if new else None
        elif field == "active":
            values.update(active=new, deactivated_at=None if new else now)
            if not new:
                values["session_version"] = session_version + 1
        else:
            values[field] = new
    return values


def _sync(session: Session, actor: Actor, today: Any, touched: list[int], window: int) -> SyncResult:
    if not touched:
        return SyncResult()
    only = None if len(touched) > SYNC_ALL_ABOVE else touched
    return sync_assignments(session, today, actor=actor, refresher_window_days=window, user_ids=only)


def _chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]

