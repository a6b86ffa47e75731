"""A demo organisation: an online shop with departments, managers and staff.

Used by `trainer demo` (and so by `make run`). Addresses use example.com, which can never
receive mail. Three logins (employee, HR, admin) get random passwords, written to a file
readable only by the owner so that `make run` can show them again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import stat
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trainer import audit, clock
from trainer.audit import Actor
from trainer.compliance.status import Thresholds
from trainer.demo_history import create_history
from trainer.models import User
from trainer.people.accounts import get_or_create_department
from trainer.security import generate_password, hash_password

# (name, e-mail local part, department, job role, manager's local part, years employed)
STAFF = [
    ("Amara Okafor", "amara.okafor", "Management", "Managing director", None, 6.0),
    ("Ingrid Larsen", "ingrid.larsen", "Management", "Data protection lead", "amara.okafor", 2.4),
    ("Jonas Weber", "jonas.weber", "Customer Service", "Customer service lead", "amara.okafor", 4.5),
    ("Sofia Marques", "sofia.marques", "Customer Service", "Customer service agent", "jonas.weber", 2.2),
    ("Liam O'Brien", "liam.obrien", "Customer Service", "Customer service agent", "jonas.weber", 1.1),
    ("Mei Chen", "mei.chen", "Customer Service", "Customer service agent", "jonas.weber", 0.1),
    ("Priya Natarajan", "priya.natarajan", "Engineering", "Engineering manager", "amara.okafor", 5.0),
    ("Tomasz Nowak", "tomasz.nowak", "Engineering", "Developer", "priya.natarajan", 3.0),
    ("Fatima Zahra", "fatima.zahra", "Engineering", "Developer", "priya.natarajan", 1.6),
    ("Ola Nordmann", "ola.nordmann", "Engineering", "Site reliability engineer", "priya.natarajan", 0.05),
    ("Chiara Romano", "chiara.romano", "Marketing", "Marketing manager", "amara.okafor", 3.8),
    ("Diego Alvarez", "diego.alvarez", "Marketing", "CRM specialist", "chiara.romano", 2.0),
    ("Hannah Schmidt", "hannah.schmidt", "Marketing", "Content editor", "chiara.romano", 0.7),
    ("Kwame Mensah", "kwame.mensah", "Warehouse", "Warehouse manager", "amara.okafor", 4.0),
    ("Agnieszka Kowalska", "agnieszka.kowalska", "Warehouse", "Picker and packer", "kwame.mensah", 1.4),
    ("Yusuf Demir", "yusuf.demir", "Warehouse", "Returns clerk", "kwame.mensah", 0.3),
    ("Elena Petrova", "elena.petrova", "Finance", "Finance manager", "amara.okafor", 5.5),
    ("Noah Williams", "noah.williams", "Finance", "Payments analyst", "elena.petrova", 2.7),
    ("Grace Kim", "grace.kim", "People", "HR manager", "amara.okafor", 3.3),
    ("Ravi Sharma", "ravi.sharma", "Engineering", "Platform administrator", "priya.natarajan", 2.5),
    ("Lucía Fernández", "lucia.fernandez", "Customer Service", "Customer service agent", "jonas.weber", 0.9),
]
DOMAIN = "example.com"
# Accounts whose passwords are printed: (role shown, local part, extra roles)
LOGINS = [
    ("employee", "sofia.marques", ()),
    ("hr", "grace.kim", ("hr",)),
    ("admin", "ravi.sharma", ("admin",)),
    ("hr-scoped", "jonas.weber", ("hr",)),
]
# (label, local part, department): an HR login limited to one department.
SCOPED_HR = ("hr-scoped", "jonas.weber", "Customer Service")


def has_people(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(User)))


def demo_logins_path(instance_path: str) -> Path:
    return Path(instance_path) / "demo-logins.txt"


def create_demo_organisation(
    session: Session, logins_file: Path, *, thresholds: Thresholds | None = None,
    refresher_window_days: int = 30,
) -> list[str]:
    """Create the demo staff and, with whatever courses exist, two years of their training
    history; return "role: e-mail / password" lines (also written to file)."""
    today = clock.today()
    people: dict[str, User] = {}
    for name, local, department, job_role, manager, years in STAFF:
        user = User(
            email=f"{local}@{DOMAIN}",
            name=name,
            department=get_or_create_department(session, department),
            job_role=job_role,
            manager=people.get(manager) if manager else None,
            hired_on=today - dt.timedelta(days=round(years * 365)),
            active=True,
        )
        session.add(user)
        people[local] = user
    lines = _give_logins(people)
    session.flush()
    _scope_hr_login(session, people)
    history = create_history(session, list(people.values()), today, thresholds or Thresholds(),
                             refresher_window_days)
    audit.record(session, Actor.cli(), "demo.created", people=len(people), **dataclasses.asdict(history))
    _write_private(logins_file, "\n".join(lines) + "\n")
    return lines


def _give_logins(people: dict[str, User]) -> list[str]:
    lines = []
    for role, local, extra_roles in LOGINS:
        user = people[local]
        password = generate_password()
        user.password_hash = hash_password(password)
        user.password_changed_at = clock.now()
        user.is_hr = "hr" in extra_roles
        user.is_admin = "admin" in extra_roles
        # The HR login sees every department (chosen explicitly: scope fails closed); the
        # scoped HR login is limited below.
        user.hr_all_departments = user.is_hr and local != SCOPED_HR[1]
        lines.append(f"{role:9} {user.email}  password: {password}")
    return lines


def _scope_hr_login(session: Session, people: dict[str, User]) -> None:
    """The second HR login sees only Customer Service: HR scopes in action."""
    scoped = people[SCOPED_HR[1]]
    scoped.hr_departments = [get_or_create_department(session, SCOPED_HR[2])]


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
