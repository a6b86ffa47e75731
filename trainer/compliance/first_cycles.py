"""Who the active rules want, and their first cycles planned by the database.

`wanting` builds, per active rule, the people it wants who hold no current assignment of
its course (whether there is anyone at all, `compliance.sync.survey_current` counts);
`insert_first_cycles` gives everyone who never held the course their first
cycle in one INSERT ... SELECT, leaving people with earlier cycles to `compliance.sync`'s
Python planner, whose rows it reproduces (tests/compliance/test_first_cycles_sql.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    case,
    cast,
    exists,
    func,
    insert,
    literal,
    select,
    text,
    union_all,
)
from sqlalchemy.orm import Session

from trainer.bulk import rowcount
from trainer.compliance.calendar import add_months
from trainer.compliance.requirements import audience_condition, refresher_months
from trainer.models import Assignment, Requirement, User

# The partial unique index's own predicate, word for word: SQLite uses a partial index only
# where the query states its WHERE term as written (`current IS 1` or `current = 1` do not),
# and without it checks each person against the table instead of uq_assignments_one_current.
IS_CURRENT = text("assignments.current")


def holds_current(course_id: int) -> ColumnElement[bool]:
    return exists(select(Assignment.id).where(
        Assignment.user_id == User.id, Assignment.course_id == course_id, IS_CURRENT))


def has_any_cycle(course_id: int) -> ColumnElement[bool]:
    return exists(select(Assignment.id).where(
        Assignment.user_id == User.id, Assignment.course_id == course_id))


def wanting(
    active: dict[int, list[Requirement]], only: set[int] | None,
    holding: Callable[[int], ColumnElement[bool]] = holds_current,
) -> list[tuple[int, int, Requirement, Select[*tuple[Any, ...]]]]:
    """(rank, course id, rule, people the rule wants who hold no current assignment of the
    course, or with `holding=has_any_cycle` none at all) for every active rule; rank orders
    each course's rules strictest first."""
    parts: list[tuple[int, int, Requirement, Select[*tuple[Any, ...]]]] = []
    for course_id, rules in active.items():
        for requirement in rules:
            query = select(User.id, User.hired_on).where(
                audience_condition(requirement), ~holding(course_id))
            if only is not None:
                query = query.where(User.id.in_(only))
            parts.append((len(parts), course_id, requirement, query))
    return parts


def insert_first_cycles(
    session: Session, active: dict[int, list[Requirement]], today: dt.date, only: set[int] | None
) -> int:
    """Give everyone an active rule wants who never held the course its first cycle, in one
    INSERT ... SELECT: the rows `_new_assignment_row` would build, planned by the database
    (the strictest rule wins, as in `sync._missing`). People with earlier cycles (restored
    completions, reactivated people, later cycles) are left to `sync._missing` and Python."""
    dialect = session.get_bind().dialect.name
    per_course: dict[int, list[Select[*tuple[Any, ...]]]] = {}
    for rank, course_id, requirement, query in wanting(active, only, holding=has_any_cycle):
        per_course.setdefault(course_id, []).append(
            query.with_only_columns(
                *_first_cycle_columns(course_id, requirement, today, dialect), literal(rank).label("rank")))
    chosen: list[Select[*tuple[Any, ...]]] = []
    for parts in per_course.values():
        if len(parts) == 1:
            chosen.append(parts[0])
            continue
        candidates = union_all(*parts).subquery()
        first = func.row_number().over(partition_by=candidates.c.user_id, order_by=candidates.c.rank)
        ranked = select(candidates, first.label("choice")).subquery()
        chosen.append(select(*(c for c in ranked.c if c.name != "choice")).where(ranked.c.choice == 1))
    if not chosen:
        return 0
    rows = union_all(*chosen).subquery() if len(chosen) > 1 else chosen[0].subquery()
    columns = [c.name for c in rows.c if c.name != "rank"]
    statement = insert(Assignment.__table__).from_select(
        columns, select(*(rows.c[name] for name in columns)), include_defaults=False)
    with _without_nested_loops(session):
        # SQLAlchemy reports rowcount for INSERT only when asked to keep it.
        return rowcount(session.execute(statement.execution_options(preserve_rowcount=True)))


@contextlib.contextmanager
def _without_nested_loops(session: Session) -> Iterator[None]:
    """PostgreSQL: plan the next statement without nested loops, then restore the setting.

    The INSERT reads the table it fills ("no cycle of the course yet"). Where the statistics
    say assignments is empty (a fresh install, analysed), the planner checks each person with
    a sequential scan of assignments, which the INSERT itself makes longer: 289 s for 10,000
    people and 10 courses instead of 2 s. Without nested loops it hashes each course's
    assignments once (a hash anti-join), whatever the statistics say."""
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    before = session.scalar(text("SELECT current_setting('enable_nestloop')"))
    session.execute(text("SELECT set_config('enable_nestloop', 'off', true)"))
    yield
    # Not in a `finally`: after an error the transaction is aborted (a statement would fail
    # and hide the error), and its rollback undoes the setting anyway.
    session.execute(text("SELECT set_config('enable_nestloop', :before, true)"), {"before": before})


def _first_cycle_columns(
    course_id: int, requirement: Requirement, today: dt.date, dialect: str
) -> list[ColumnElement[Any]]:
    """`_new_assignment_row` for cycle 1, as SQL over User."""
    day = literal(today, Date)
    starts = case((User.hired_on > day, User.hired_on), else_=day)
    created = requirement.created_at.date() if requirement.created_at is not None else None
    reason: ColumnElement[str] = (
        case((User.hired_on >= literal(created, Date), literal("new_hire")), else_=literal("requirement"))
        if created is not None else literal("requirement"))
    months = refresher_months(requirement)
    counts_from = literal(add_months(today, -months) if months else None, Date)
    return [
        User.id.label("user_id"), literal(course_id).label("course_id"),
        literal(requirement.id).label("requirement_id"), literal(1).label("cycle"),
        reason.label("reason"), day.label("assigned_on"),
        _plus_days(starts, requirement.due_days, dialect).label("due_on"),
        counts_from.label("counts_from"), literal(True).label("current"),
        literal("").label("change_note"),
    ]


def _plus_days(day: ColumnElement[dt.date], days: int, dialect: str) -> ColumnElement[dt.date]:
    if dialect == "sqlite":  # dates are ISO text there
        return func.date(day, f"{days:+d} days", type_=Date)
    return cast(day + literal(days, Integer), Date)
