"""Which module completions count for an assignment, and how far along it is.

A completion of module m counts for assignment a when:
- its version is at or above m's major floor (a major change makes older ones stale),
- it happened on or after a.counts_from (refresher cycles need fresh completions), and
- for modules named by the assignment's regulation update, on or after that update's cutoff.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence, Set
from typing import Generic, Protocol, TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, lazyload, selectinload

from trainer.models import Assignment, Module, ModuleCompletion, ModuleVersion, RegulationUpdate
from trainer.percent import percent


class Countable(Protocol):
    """What the rule reads of a module (a Module row, or the outline's light copy)."""

    @property
    def id(self) -> int: ...
    @property
    def major_floor(self) -> int: ...


class Dated(Protocol):
    """What the rule reads of a completion (a ModuleCompletion row, or a row of columns)."""

    @property
    def completed_at(self) -> dt.datetime: ...


M = TypeVar("M", bound=Countable)
C = TypeVar("C", bound=Dated)


@dataclasses.dataclass(frozen=True)
class Progress(Generic[M, C]):
    """Done modules of an assignment (module id -> the completion that counts)."""

    modules: list[M]
    done: dict[int, C]

    @property
    def total(self) -> int:
        return len(self.modules)

    @property
    def done_count(self) -> int:
        return len(self.done)

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done_count == self.total

    @property
    def next_module(self) -> M | None:
        return next((m for m in self.modules if m.id not in self.done), None)

    @property
    def summary(self) -> str:
        """Progress in words: "3 modules to do", "2 of 5 modules done", "All 5 modules done"."""
        done, total = self.done_count, self.total
        if total == 0:
            return "No modules yet"
        if done == 0:
            return f"{total} module{'s' if total != 1 else ''} to do"
        if done < total:
            return f"{done} of {total} modules done"
        return "Module done" if total == 1 else f"All {total} modules done"

    @property
    def percent(self) -> int:
        return percent(self.done_count, self.total) if self.total else 0


def update_cutoff(update: RegulationUpdate) -> dt.date:
    """Completions of affected modules before this date predate the update."""
    return cutoff_of(update.effective_on, update.published_at)


def cutoff_of(effective_on: dt.date, published_at: dt.datetime | None) -> dt.date:
    """update_cutoff from the update's two dates (for callers that read them as columns)."""
    published = published_at.date() if published_at else effective_on
    return min(effective_on, published)


def counting_completions(
    modules: Sequence[Countable], completions: Mapping[int, Sequence[tuple[C, int]]],
    counts_from: dt.date | None, affected: Set[int], cutoff: dt.date | None,
) -> dict[int, C]:
    """The rule of this module, in one place: for each module the latest of the person's
    completions (oldest first, with their version number) that counts for a cycle counting
    from `counts_from`, whose regulation update (if any) affects `affected` since `cutoff`."""
    done = {}
    for module in modules:
        module_id, major_floor = module.id, module.major_floor
        floor_date = counts_from
        if module_id in affected and cutoff is not None:  # a cutoff comes with every affected set
            floor_date = max(floor_date, cutoff) if floor_date else cutoff
        latest = None
        for c, version_number in completions.get(module_id, ()):
            if version_number >= major_floor and (floor_date is None or c.completed_at.date() >= floor_date):
                latest = c
        if latest is not None:
            done[module_id] = latest
    return done


def progress_for(session: Session, user_id: int, assignments: Iterable[Assignment]) -> dict[int, Progress]:
    """Progress of several of one person's assignments, with one query for completions
    (and one for regulation updates, if any of them is a regulation-update cycle)."""
    assignments = list(assignments)
    course_ids = {a.course_id for a in assignments}
    completions = _completions_by_module(session, user_id, course_ids)
    updates = _regulation_updates(session, {a.regulation_update_id for a in assignments
                                            if a.regulation_update_id is not None})
    return {a.id: _progress(a, completions,
                            updates.get(a.regulation_update_id) if a.regulation_update_id else None)
            for a in assignments}


def progress_of(session: Session, assignment: Assignment) -> Progress:
    return progress_for(session, assignment.user_id, [assignment])[assignment.id]


def _progress(
    assignment: Assignment, completions: dict[int, list[tuple[ModuleCompletion, int]]],
    update: RegulationUpdate | None,
) -> Progress:
    modules = [m for m in assignment.course.active_modules if m.current_version_id]
    affected, cutoff = _regulation_scope(update)
    return Progress(modules=modules,
                    done=counting_completions(modules, completions, assignment.counts_from, affected, cutoff))


def _regulation_scope(update: RegulationUpdate | None) -> tuple[set[int], dt.date | None]:
    """The modules a regulation-update cycle must redo, and since when."""
    if update is None:
        return set(), None
    return {m.id for m in update.modules}, update_cutoff(update)


def _regulation_updates(session: Session, ids: set[int]) -> dict[int, RegulationUpdate]:
    if not ids:
        return {}
    updates = session.scalars(select(RegulationUpdate).where(RegulationUpdate.id.in_(ids))
                              .options(selectinload(RegulationUpdate.modules)))
    return {u.id: u for u in updates}


# Built once (the dashboard and every course page ask). Of the version only its number
# is needed here: a person has dozens of completions, and loading a version object with
# each doubled the time (whoever needs one loads it from the relationship).
_COMPLETIONS = (
    select(ModuleCompletion, ModuleVersion.number)
    .join(Module, Module.id == ModuleCompletion.module_id)
    .join(ModuleVersion, ModuleVersion.id == ModuleCompletion.module_version_id)
    .where(ModuleCompletion.user_id == bindparam("user_id"),
           Module.course_id.in_(bindparam("course_ids", expanding=True)))
    .order_by(ModuleCompletion.completed_at, ModuleCompletion.id)
    .options(lazyload(ModuleCompletion.module_version))
)


def _completions_by_module(
    session: Session, user_id: int, course_ids: set[int]
) -> dict[int, list[tuple[ModuleCompletion, int]]]:
    """The person's completions in these courses, oldest first, with their version number."""
    if not course_ids:
        return {}
    rows = session.execute(_COMPLETIONS, {"user_id": user_id, "course_ids": sorted(course_ids)})
    by_module: dict[int, list[tuple[ModuleCompletion, int]]] = defaultdict(list)
    for completion, version_number in rows:
        by_module[completion.module_id].append((completion, version_number))
    return by_module
