"""Requirements: create, change, pause, retire, and who they apply to.

A requirement's audience is the union of its groups (everyone, departments, job roles,
named people), narrowed to people hired after a date when one is set, and always limited
to active, non-pseudonymised staff. It is evaluated afresh on every sync, so a rule applies
to everyone who matches it now and later — existing staff included.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, and_, false, func, or_, select, true
from sqlalchemy.orm import Session

from trainer import audit, clock
from trainer.audit import Actor
from trainer.models import Assignment, Course, Department, Requirement, RequirementJobRole, User
from trainer.people.accounts import get_or_create_department


class RequirementError(ValueError):
    """The requirement cannot be saved as given; the message says why."""


@dataclasses.dataclass
class RequirementSpec:
    """What an admin (or a course file) says a requirement should be."""

    course_id: int
    name: str
    everyone: bool = False
    department_ids: list[int] = dataclasses.field(default_factory=list)
    job_roles: list[str] = dataclasses.field(default_factory=list)
    user_ids: list[int] = dataclasses.field(default_factory=list)
    hired_after: dt.date | None = None
    due_days: int = 30
    refresher_months: int | None = None
    renew_month: int | None = None
    renew_day: int | None = None
    renew_grace_days: int = 0


def audience_condition(requirement: Requirement) -> ColumnElement[bool]:
    """An SQL condition over User selecting the requirement's audience."""
    groups: list[ColumnElement[bool]] = []
    if requirement.everyone:
        groups.append(true())
    if requirement.departments:
        groups.append(User.department_id.in_([d.id for d in requirement.departments]))
    if requirement.job_roles:
        groups.append(func.lower(User.job_role).in_([r.lower() for r in requirement.job_roles]))
    if requirement.users:
        groups.append(User.id.in_([u.id for u in requirement.users]))
    condition = or_(*groups) if groups else false()
    if requirement.hired_after is not None:
        condition = and_(condition, User.hired_on > requirement.hired_after)
    return and_(User.active.is_(True), User.pseudonymised_at.is_(None), condition)


def audience_user_ids(session: Session, requirement: Requirement) -> set[int]:
    return set(session.scalars(select(User.id).where(audience_condition(requirement))))


@dataclasses.dataclass(frozen=True)
class Preview:
    matches: int
    new: int

    def sentence(self) -> str:
        people = "person" if self.matches == 1 else "people"
        return f"This rule assigns {self.matches} {people}, {self.new} of them new."


def preview(session: Session, spec: RequirementSpec) -> Preview:
    """How many people the rule would assign, and how many have no current assignment yet."""
    draft = Requirement(course_id=spec.course_id, name=spec.name)
    _apply(session, draft, spec)
    matching = select(User.id).where(audience_condition(draft))
    matches = session.scalar(select(func.count()).select_from(matching.subquery())) or 0
    already = select(Assignment.user_id).where(
        Assignment.course_id == spec.course_id, Assignment.current.is_(True)
    )
    new = session.scalar(
        select(func.count()).select_from(matching.where(User.id.not_in(already)).subquery())
    ) or 0
    return Preview(matches=matches, new=new)


def requirements_with_counts(session: Session) -> list[tuple[Requirement, int]]:
    """Every requirement (active first, then by name) with how many current assignments it holds."""
    counts = dict(session.execute(
        select(Assignment.requirement_id, func.count())
        .where(Assignment.current.is_(True)).group_by(Assignment.requirement_id)
    ).all())
    rows = session.scalars(select(Requirement).order_by(Requirement.status, Requirement.name)).all()
    return [(requirement, counts.get(requirement.id, 0)) for requirement in rows]


def create_requirement(session: Session, actor: Actor, spec: RequirementSpec) -> Requirement:
    """Create an active requirement (assignments follow at the next sync)."""
    _check(session, spec)
    requirement = Requirement(course_id=spec.course_id, name=spec.name, status="active")
    _apply(session, requirement, spec)
    session.add(requirement)
    session.flush()
    audit.record(session, actor, "requirement.created", requirement, after=describe(requirement))
    return requirement


def update_requirement(
    session: Session, actor: Actor, requirement: Requirement, spec: RequirementSpec
) -> Requirement:
    """Change a requirement; the audit event records it before and after."""
    _check(session, spec)
    before = describe(requirement)
    _apply(session, requirement, spec)
    requirement.updated_at = clock.now()
    session.flush()
    after = describe(requirement)
    if before != after:
        audit.record(session, actor, "requirement.updated", requirement, before=before, after=after)
    return requirement


def set_status(session: Session, actor: Actor, requirement: Requirement, status: str) -> None:
    """Pause (no new assignments; open ones stay), resume, or retire (open ones close)."""
    if status not in ("active", "paused", "retired"):
        raise RequirementError(f"Unknown status {status!r}.")
    if requirement.status == "retired":
        raise RequirementError("A retired requirement cannot be changed; create a new one.")
    if status == requirement.status:
        return
    before = requirement.status
    requirement.status = status
    requirement.updated_at = clock.now()
    session.flush()
    audit.record(session, actor, f"requirement.{_VERBS[status]}", requirement,
                 before={"status": before}, after={"status": status})


_VERBS = {"active": "resumed", "paused": "paused", "retired": "retired"}


def ensure_course_default(session: Session, actor: Actor, course: Course) -> Requirement:
    """Keep the course file's audience, due days and refresher as the course's default rule.

    Created on first import so a fresh install assigns shipped courses out of the box;
    updated when the course file changes (unless an admin retired it).
    """
    requirement = session.scalar(
        select(Requirement).where(
            Requirement.course_id == course.id, Requirement.is_course_default.is_(True)
        )
    )
    spec = course_default_spec(session, course)
    if requirement is None:
        requirement = create_requirement(session, actor, spec)
        requirement.is_course_default = True
    elif requirement.status != "retired":
        update_requirement(session, actor, requirement, spec)
    return requirement


def course_default_spec(session: Session, course: Course) -> RequirementSpec:
    audience: Any = course.audience or "everyone"
    spec = RequirementSpec(
        course_id=course.id,
        name=f"{course.title} (from the course file)",
        due_days=course.due_days,
        refresher_months=None,
    )
    if audience == "everyone" or not isinstance(audience, dict):
        spec.everyone = True
        return spec
    spec.department_ids = [
        get_or_create_department(session, name).id for name in audience.get("departments", [])
    ]
    spec.job_roles = list(audience.get("job_roles", []))
    return spec


def refresher_months(requirement: Requirement) -> int | None:
    """The requirement's own interval, else the course's (None: completion never expires)."""
    if requirement.refresher_months is not None:
        return requirement.refresher_months
    return requirement.course.refresher_months


def describe(requirement: Requirement) -> dict[str, Any]:
    """A plain description for audit events and the admin page."""
    return {
        "name": requirement.name,
        "course": requirement.course.slug if requirement.course else requirement.course_id,
        "everyone": requirement.everyone,
        "departments": sorted(d.name for d in requirement.departments),
        "job_roles": requirement.job_roles,
        "user_ids": sorted(u.id for u in requirement.users),
        "hired_after": requirement.hired_after.isoformat() if requirement.hired_after else None,
        "due_days": requirement.due_days,
        "refresher_months": requirement.refresher_months,
        "renews_on": _renewal_text(requirement),
        "renew_grace_days": requirement.renew_grace_days,
        "status": requirement.status,
    }


def _renewal_text(requirement: Requirement) -> str | None:
    if requirement.renew_month and requirement.renew_day:
        return f"{requirement.renew_month:02d}-{requirement.renew_day:02d}"
    return None


def _check(session: Session, spec: RequirementSpec) -> None:
    if session.get(Course, spec.course_id) is None:
        raise RequirementError("Choose a course.")
    if not spec.name.strip():
        raise RequirementError("Give the requirement a name.")
    if not (spec.everyone or spec.department_ids or spec.job_roles or spec.user_ids):
        raise RequirementError("Choose who the requirement applies to.")
    if spec.due_days < 1:
        raise RequirementError("Due days must be at least 1.")
    if spec.refresher_months is not None and spec.refresher_months < 1:
        raise RequirementError("The refresher interval must be at least 1 month.")
    if (spec.renew_month is None) != (spec.renew_day is None):
        raise RequirementError("A fixed renewal date needs both a month and a day.")
    if spec.renew_month is not None:
        try:
            dt.date(2001, spec.renew_month, spec.renew_day or 0)  # 2001: not a leap year
        except ValueError:
            raise RequirementError("The renewal date is not a date in every year.") from None


def _apply(session: Session, requirement: Requirement, spec: RequirementSpec) -> None:
    requirement.course_id = spec.course_id
    course = session.get(Course, spec.course_id)
    if course is not None:  # preview() runs before _check; an unknown id is refused on saving
        requirement.course = course
    requirement.name = " ".join(spec.name.split())
    requirement.everyone = spec.everyone
    requirement.departments = [
        d for d in (session.get(Department, i) for i in spec.department_ids) if d is not None
    ]
    wanted_roles = sorted({" ".join(r.split()) for r in spec.job_roles if r.strip()})
    if wanted_roles != requirement.job_roles:
        requirement.job_role_rows = [RequirementJobRole(job_role=r) for r in wanted_roles]
    requirement.users = [u for u in (session.get(User, i) for i in spec.user_ids) if u is not None]
    requirement.hired_after = spec.hired_after
    requirement.due_days = spec.due_days
    requirement.refresher_months = spec.refresher_months
    requirement.renew_month = spec.renew_month
    requirement.renew_day = spec.renew_day
    requirement.renew_grace_days = spec.renew_grace_days
