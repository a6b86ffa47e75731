"""Current assignments against the rules, counted by the database: what a sync with
nothing to do asks before it stops (`compliance.sync`).

`course_wants` is the one condition "a rule of the assignment's course wants its person"
(the sync's close step and refreshers use it too); `survey_current` counts, in two
statements, what there is to close and whether anyone wanted holds no current assignment.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import ColumnElement, case, false, func, or_, select
from sqlalchemy.orm import Session

from trainer.compliance.first_cycles import IS_CURRENT
from trainer.compliance.requirements import audience_condition
from trainer.models import Assignment, Requirement, User


def course_wants(rules_by_course: dict[int, list[Requirement]]) -> ColumnElement[bool]:
    """Over an assignment and its person: one of the assignment's course's rules wants the
    person (a course without rules wants nobody; NULL, as from a missing job role, is not
    wanted either). One condition for every course, so each step is one statement however
    many courses there are."""
    by_course = [(Assignment.course_id == course_id, or_(*(audience_condition(r) for r in rules)))
                 for course_id, rules in rules_by_course.items() if rules]
    return case(*by_course, else_=false()) if by_course else false()


@dataclasses.dataclass(frozen=True)
class Survey:
    """Current assignments against the rules, counted by the database."""

    unwanted: int  # current assignments no live rule wants any more (to close)
    held: int  # current assignments an active rule wants
    wanted: int  # (person, course) pairs the active rules want

    @property
    def anyone_missing(self) -> bool:
        """Someone an active rule wants holds no current assignment of the course: each pair
        has at most one current assignment (uq_assignments_one_current), so `held` falls
        short of `wanted` exactly when some wanted pair holds none."""
        return self.wanted > self.held


def survey_current(session: Session, live: dict[int, list[Requirement]],
                   active: dict[int, list[Requirement]], only: set[int] | None) -> Survey:
    """Two counting statements instead of a search for what to close and an anti-join per
    rule (which probed every person once per rule): a sync with nothing to do stops here.
    One pass over the current assignments with their people (through the partial index's
    own predicate, IS_CURRENT), one over the people. Paused rules keep assignments (live)
    but give none (active); with none paused the two conditions are one."""
    held = func.coalesce(func.sum(case((course_wants(active), 1), else_=0)), 0)
    unwanted = (func.count() - held if live == active
                else func.coalesce(func.sum(case((course_wants(live), 0), else_=1)), 0))
    current = (select(unwanted, held).select_from(Assignment)
               .join(User, User.id == Assignment.user_id).where(IS_CURRENT))
    if only is not None:
        current = current.where(Assignment.user_id.in_(only))
    unwanted_count, held_count = session.execute(current).one()
    return Survey(int(unwanted_count), int(held_count), _wanted_pairs(session, active, only))


def _wanted_pairs(session: Session, active: dict[int, list[Requirement]], only: set[int] | None) -> int:
    """How many (person, course) pairs the active rules want: per person, one for each
    course one of whose rules wants them."""
    per_course = [case((or_(*(audience_condition(r) for r in rules)), 1), else_=0)
                  for rules in active.values() if rules]
    if not per_course:
        return 0
    query = select(func.coalesce(func.sum(sum(per_course[1:], per_course[0])), 0)).select_from(User)
    if only is not None:
        query = query.where(User.id.in_(only))
    return int(session.execute(query).scalar_one())
