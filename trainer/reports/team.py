"""A manager's team: the people who report to them and their training status, nothing more.

Managers are not HR: they see, for their direct reports (and, if they ask, everyone below
them), each current course's status, due date and days overdue. No scores, answers, e-mail
addresses or other personal data. Leavers are not listed. "Reports to" is `User.manager`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import exists, literal, select
from sqlalchemy.orm import Session, aliased

from trainer.compliance.status import URGENCY, Thresholds, status_sql
from trainer.models import Assignment, Course, User

MAX_DEPTH = 20  # a manager chain deeper than this is a data error; the walk stops there


@dataclasses.dataclass(frozen=True)
class CourseLine:
    course: str
    status: str
    due_on: dt.date
    days_overdue: int | None


@dataclasses.dataclass(frozen=True)
class TeamMember:
    user_id: int
    name: str
    direct: bool
    courses: list[CourseLine]

    @property
    def most_urgent(self) -> str | None:
        return min((c.status for c in self.courses), key=URGENCY.index, default=None)


def is_manager(session: Session, user_id: int) -> bool:
    """Someone active reports to this person."""
    return bool(session.scalar(select(exists().where(User.manager_id == user_id, User.active.is_(True)))))


def team_ids(session: Session, manager_id: int, *, indirect: bool) -> dict[int, bool]:
    """The active people below the manager: id -> reports directly."""
    tree = (select(User.id, literal(1).label("depth"))
            .where(User.manager_id == manager_id, User.active.is_(True)).cte("team", recursive=True))
    if indirect:
        below = aliased(User)
        tree = tree.union_all(select(below.id, tree.c.depth + 1).join(tree, below.manager_id == tree.c.id)
                          .where(below.active.is_(True), tree.c.depth < MAX_DEPTH))
    found: dict[int, bool] = {}
    for user_id, depth in session.execute(select(tree.c.id, tree.c.depth)):
        found[user_id] = found.get(user_id, False) or depth == 1
    found.pop(manager_id, None)  # a loop in the data leads back to the manager
    return found


def team(session: Session, manager_id: int, today: dt.date, thresholds: Thresholds, *,
         indirect: bool = False) -> list[TeamMember]:
    """The team with each current course's status, by name."""
    members = team_ids(session, manager_id, indirect=indirect)
    if not members:
        return []
    a = Assignment
    rows = session.execute(
        select(User.id, User.name, Course.title, status_sql(today, thresholds), a.due_on)
        .select_from(User)
        .outerjoin(a, (a.user_id == User.id) & a.current.is_(True))
        .outerjoin(Course, Course.id == a.course_id)
        .where(User.id.in_(sorted(members)))
        .order_by(User.name, User.id, Course.title)
    )
    people: dict[int, TeamMember] = {}
    for user_id, name, course, state, due_on in rows:
        member = people.setdefault(user_id, TeamMember(user_id, name, members[user_id], []))
        if course is not None and state != "closed":
            late = (today - due_on).days if state == "overdue" else None
            member.courses.append(CourseLine(course, state, due_on, late))
    return list(people.values())


def in_team(session: Session, manager_id: int, user_id: int) -> bool:
    """Whether `user_id` is below the manager (directly or not)."""
    return user_id in team_ids(session, manager_id, indirect=True)
