"""Reading modules: finding them, recording the first visit, acknowledging policies.

The first visit of a module version in an assignment cycle starts the server-side clock for
reading time: a policy can be acknowledged, and a lesson's quiz opened, only
`min_read_seconds` after that, whatever the browser says. A new cycle (refresher, major
change, regulation update) restarts the clock, also for an unchanged version.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trainer.audit import Actor
from trainer.compliance.completion import mark_started, record_module_completion
from trainer.compliance.rows import Cycle
from trainer.learning.content_cache import VersionContent
from trainer.learning.outline import OutlineModule, course_outline
from trainer.models import Assignment, Course, Module, ModuleCompletion, ModuleVersion, ModuleVisit


class AcknowledgementError(ValueError):
    """The acknowledgement cannot be accepted (yet); the message says why."""


@dataclasses.dataclass(frozen=True)
class ModulePage:
    """The current version of a module as one person opens it."""

    version: VersionContent
    first_seen_at: dt.datetime
    # This visit wrote something (the first visit, the start of the cycle): commit it.
    recorded: bool

    @property
    def body_html(self) -> str:
        return self.version.body_html

    @property
    def question_count(self) -> int:
        return self.version.question_count

    @property
    def acknowledgement(self) -> bool:
        """Completed by "I have read and understood" (a policy, or a lesson without a quiz)."""
        return completed_by_acknowledgement(self.version)

    def seconds_left(self, now: dt.datetime) -> int:
        return seconds_left_to_read(self.first_seen_at, self.version, now)

    @property
    def available_at(self) -> dt.datetime:
        """When the reading time is over (the quiz opens, or the policy can be confirmed)."""
        return self.first_seen_at + dt.timedelta(seconds=self.version.min_read_seconds)


@dataclasses.dataclass(frozen=True)
class ReadingWait:
    """How long before the person may take the quiz or confirm (0: now)."""

    seconds_left: int
    opened: bool  # opened in this assignment cycle; False: the clock has not started
    available_at: dt.datetime | None

    def reason(self, what: str) -> str:
        if not self.opened:
            return f"Please read the module first: {what} {self.seconds_left} seconds after you open it."
        assert self.available_at is not None
        unit = "second" if self.seconds_left == 1 else "seconds"
        return (f"Please take the time to read it first: {what} at {self.available_at:%H:%M:%S} UTC, "
                f"in {self.seconds_left} {unit}.")


def find_module(session: Session, course: Course, slug: str) -> Module | None:
    """A live module of `course` with published content."""
    return next(
        (m for m in course.active_modules if m.slug == slug and m.current_version is not None),
        None,
    )


def completed_by_acknowledgement(version: ModuleVersion | VersionContent) -> bool:
    """Policies are acknowledged; so is a lesson that has no quiz questions."""
    return version.kind == "policy" or not version.quiz


def open_module(
    session: Session, user_id: int, module: OutlineModule, cycle: Cycle | None, now: dt.datetime
) -> ModulePage:
    """Open the module's current version: its page, and the first visit recorded if this is it.

    `module` and `cycle` (the person's current assignment of the course) come from the
    outline, with the person's visit; the first activity starts the cycle. A repeat visit of
    a started cycle reads nothing more and writes nothing.
    """
    version, visit = module.current_version, module.visit
    recorded = False
    if visit is None:
        first_seen_at = _first_visit(session, user_id, version.id, cycle, now).first_seen_at
        recorded = True
    else:
        first_seen_at = visit.first_seen_at
        if cycle is not None and visit.assignment_id != cycle.id:
            row = session.get(ModuleVisit, (user_id, version.id))
            assert row is not None
            if not _same_cycle(row, cycle):
                row.first_seen_at = first_seen_at = now  # a new cycle: the reading time starts again
            row.assignment_id = cycle.id
            recorded = True
    if cycle is not None and cycle.started_on is None and cycle.completed_on is None:
        assignment = session.get(Assignment, cycle.id)
        recorded = (assignment is not None and mark_started(assignment, now.date())) or recorded
    if recorded:
        session.flush()
    return ModulePage(version, first_seen_at, recorded)


def _same_cycle(visit: ModuleVisit, assignment: Assignment | Cycle | None) -> bool:
    """Whether the visit counts for the assignment's cycle (a visit recorded before cycles
    were, on or after the cycle began, does)."""
    if assignment is None or visit.assignment_id == assignment.id:
        return True
    return visit.assignment_id is None and visit.first_seen_at.date() >= assignment.assigned_on


def reading_wait(session: Session, user_id: int, version: ModuleVersion | VersionContent,
                 assignment: Assignment | Cycle | None, now: dt.datetime) -> ReadingWait:
    """How long the person still has to read `version` in this cycle (`assignment`: current)."""
    visit = session.get(ModuleVisit, (user_id, version.id))
    if visit is None or not _same_cycle(visit, assignment):
        return ReadingWait(version.min_read_seconds, False, None)
    available_at = visit.first_seen_at + dt.timedelta(seconds=version.min_read_seconds)
    return ReadingWait(seconds_left_to_read(visit.first_seen_at, version, now), True, available_at)


def _first_visit(session: Session, user_id: int, version_id: int, assignment: Assignment | Cycle | None,
                 now: dt.datetime) -> ModuleVisit:
    visit = ModuleVisit(user_id=user_id, module_version_id=version_id, first_seen_at=now,
                        assignment_id=assignment.id if assignment is not None else None)
    try:
        with session.begin_nested():  # two tabs at once: the other insert wins, keep it
            session.add(visit)
    except IntegrityError:
        existing = session.get(ModuleVisit, (user_id, version_id))
        assert existing is not None
        return existing
    return visit


def seconds_left_to_read(first_seen_at: dt.datetime | None, version: ModuleVersion | VersionContent,
                         now: dt.datetime) -> int:
    """How many more seconds before the version may be acknowledged (0: now), counted from
    the reader's first visit (None: not opened yet)."""
    if first_seen_at is None:
        return version.min_read_seconds
    waited = (now - first_seen_at).total_seconds()
    return max(0, math.ceil(version.min_read_seconds - waited))


def acknowledge_module(
    session: Session, actor: Actor, user_id: int, module: Module, version_id: int | None,
    now: dt.datetime,
) -> ModuleCompletion | None:
    """Record "I have read and understood" against the current version, once read long
    enough (None: it was already, in this cycle)."""
    version = module.current_version
    assert version is not None
    if version_id != version.id:
        raise AcknowledgementError(
            "This module was updated while you were reading it. Please read the new version "
            "before confirming.")
    if not completed_by_acknowledgement(version):
        raise AcknowledgementError("This module is completed by passing its quiz.")
    outline = course_outline(session, user_id, module.course_id)
    assert outline is not None  # the module is live, so is its course
    done = outline.entry(module)
    if done is not None and done.completion and done.completion.module_version_id == version.id:
        return None  # already acknowledged in this cycle: once is enough
    wait = reading_wait(session, user_id, version, outline.assignment, now)
    if not wait.opened or wait.seconds_left > 0:
        raise AcknowledgementError(wait.reason("you can confirm"))
    return record_module_completion(session, actor, user_id, version, method="acknowledgement")
