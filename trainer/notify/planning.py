"""Planning reminders: set-based INSERT ... SELECT ... ON CONFLICT DO NOTHING into the outbox.

Each open assignment has a sequence of milestones, each with a date:

    assigned (or refresher / regulation_update)   on assigned_on
    due_soon, step k for each k in REMIND_DUE_SOON_DAYS   on due_on - k
    due_today                                     on due_on
    overdue, step w = 1, 2, ...                   on due_on + w * REMIND_OVERDUE_EVERY_DAYS

Catch-up rule: a run on day d plans only the *latest* milestone whose date is ≤ d (ties go to
the assignment notice). A run after days without cron therefore sends one current reminder,
never a burst of stale ones, and milestones that fell before the assignment was made (a course
due in 3 days has no "14 days left" reminder) are covered by the assignment notice.
Escalations (once per overdue assignment and recipient), regulation-update notices and
acknowledgement tasks are planned independently of that sequence.

The unique dedupe key ("assignment:17:due_soon:3") makes planning idempotent and safe when
several hosts plan at once; all arithmetic is on due_on in SQL, so 50,000 people plan in a
handful of statements.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import (
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    null,
    or_,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from trainer import audit, clock
from trainer.audit import Actor
from trainer.bulk import rowcount
from trainer.models import (
    Assignment,
    Course,
    Notification,
    RegulationUpdate,
    Requirement,
    UpdateAcknowledgement,
    User,
    hr_scope,
)
from trainer.models.base import UTCDateTime
from trainer.notify.days import days_between
from trainer.notify.schedule import next_weekly_slot
from trainer.notify.settings import ReminderSettings

# Kinds this package plans and delivers (password_reset belongs to sign-in, not here).
REMINDER_KINDS = ("assigned", "due_soon", "due_today", "overdue", "escalation",
                  "regulation_update", "refresher")
ESCALATION_STEP = 1  # one escalation per overdue assignment and recipient
_COLUMNS = ["user_id", "subject_user_id", "assignment_id", "regulation_update_id", "kind",
            "dedupe_key", "channel", "created_at", "send_after", "attempts"]
_PLANNING_LOCK = 727275  # PostgreSQL advisory lock id: one planner at a time


@dataclasses.dataclass
class PlanResult:
    reminders: int = 0
    escalations: int = 0
    updates: int = 0

    @property
    def total(self) -> int:
        return self.reminders + self.escalations + self.updates


def plan_reminders(
    session: Session, today: dt.date, settings: ReminderSettings, *, actor: Actor | None = None
) -> PlanResult:
    """Insert the reminders due on `today` that are not in the outbox yet; flushes, no commit."""
    _serialise_planning(session)
    stamp = _Stamp(clock.now(), settings)
    result = PlanResult(
        reminders=insert_planned(session, _milestones(today, settings, stamp)),
        updates=insert_planned(session, _assignment_updates(today, stamp))
        + insert_planned(session, _acknowledgements(today, stamp)),
        escalations=insert_planned(session, _manager_escalations(today, settings, stamp))
        + insert_planned(session, _hr_escalations(session, today, settings, stamp)),
    )
    if result.total:
        audit.record(session, actor or Actor.system(), "reminders.planned", on=today.isoformat(),
                     **dataclasses.asdict(result))
    session.flush()
    return result


@dataclasses.dataclass(frozen=True)
class _Stamp:
    """Values every planned row shares: when it was planned and the weekly slot."""

    now: dt.datetime
    settings: ReminderSettings

    def created_at(self) -> ColumnElement[Any]:
        return literal(self.now, UTCDateTime())

    def send_after(self, recipient: Any) -> ColumnElement[Any]:
        """Weekly-digest recipients wait for their next slot; everyone else: no wait."""
        slot = next_weekly_slot(self.now, self.settings.digest_weekday, self.settings.digest_hour)
        return case((recipient.digest_frequency == "weekly", literal(slot, UTCDateTime())),
                    else_=null())


def open_assignments(today: dt.date) -> Select[*tuple[Any, ...]]:
    """Current, uncompleted assignments of active people, still required, assigned by `today`."""
    live_rule = aliased(Requirement)
    still_required = or_(
        Requirement.id.is_(None),
        Requirement.status != "retired",
        exists().where(live_rule.course_id == Assignment.course_id,
                       live_rule.status.in_(("active", "paused"))),
    )
    return (
        select()
        .select_from(Assignment)
        .join(User, User.id == Assignment.user_id)
        .join(Course, Course.id == Assignment.course_id)
        .outerjoin(Requirement, Requirement.id == Assignment.requirement_id)
        .where(
            Assignment.current.is_(True),
            Assignment.completed_on.is_(None),
            Assignment.closed_on.is_(None),
            Assignment.assigned_on <= today,
            User.active.is_(True),
            User.pseudonymised_at.is_(None),
            Course.retired_at.is_(None),
            still_required,
        )
    )


def _milestones(today: dt.date, settings: ReminderSettings, stamp: _Stamp) -> Select[*tuple[Any, ...]]:
    """The latest milestone reached by each open assignment, in three layers of SQL."""
    base = open_assignments(today).add_columns(
        Assignment.id.label("assignment_id"),
        Assignment.user_id,
        Assignment.reason,
        Assignment.regulation_update_id,
        days_between(Assignment.due_on, today).label("left"),
        days_between(today, Assignment.assigned_on).label("age"),
        User.digest_frequency,
    ).subquery("base")
    reached = select(base, *_due_milestone(base.c.left, settings)).subquery("reached")
    # The assignment notice wins when it is at least as recent as the due-date milestone.
    first = or_(reached.c.ago.is_(None), reached.c.age <= reached.c.ago)
    kind = case((first, case((reached.c.reason == "refresher", literal("refresher")),
                             (reached.c.reason == "regulation_update", literal("regulation_update")),
                             else_=literal("assigned"))),
                else_=reached.c.due_kind).label("kind")
    step = case((first, case((reached.c.reason == "regulation_update",
                              func.coalesce(reached.c.regulation_update_id, 0)), else_=literal(0))),
                else_=reached.c.due_step).label("step")
    chosen = select(reached, kind, step).subquery("chosen")
    c = chosen.c
    return select(
        c.user_id, null(), c.assignment_id, c.regulation_update_id, c.kind,
        _key("assignment", c.assignment_id, c.kind, c.step), literal("email"),
        stamp.created_at(), stamp.send_after(c), literal(0),
    ).where(c.kind.is_not(None))


def _due_milestone(left: Any, settings: ReminderSettings) -> list[ColumnElement[Any]]:
    """due_kind, due_step and `ago` (days since it was reached; NULL: none reached yet).

    `left` is due_on - today: due_soon k is reached when left <= k, due_today when left <= 0,
    overdue week w when -left >= w * every.
    """
    every, steps = settings.overdue_every_days, sorted(settings.due_soon_days)
    soon_step = case(*[(left <= k, literal(k)) for k in steps], else_=null())
    return [
        case((left > max(steps), null()), (left > 0, literal("due_soon")),
             (left > -every, literal("due_today")), else_=literal("overdue")).label("due_kind"),
        case((left > 0, soon_step), (left > -every, literal(0)),
             else_=(-left) // every).label("due_step"),
        case((left > 0, soon_step - left), (left > -every, -left),
             else_=(-left) % every).label("ago"),
    ]


def _assignment_updates(today: dt.date, stamp: _Stamp) -> Select[*tuple[Any, ...]]:
    """A notice for each open assignment a published regulation update affects.

    Same key as the assignment notice of a regulation_update cycle, so that one counts once;
    people part-way through a course when the update came get it too.
    """
    kind = literal("regulation_update")
    return open_assignments(today).add_columns(
        Assignment.user_id, null(), Assignment.id, Assignment.regulation_update_id, kind,
        _key("assignment", Assignment.id, kind, Assignment.regulation_update_id), literal("email"),
        stamp.created_at(), stamp.send_after(User), literal(0),
    ).where(Assignment.regulation_update_id.is_not(None))


def _acknowledgements(today: dt.date, stamp: _Stamp) -> Select[*tuple[Any, ...]]:
    ack = UpdateAcknowledgement
    kind = literal("regulation_update")
    return (
        select(ack.user_id, null(), null(), ack.regulation_update_id, kind,
               _key("acknowledgement", ack.id, kind, ack.regulation_update_id), literal("email"),
               stamp.created_at(), stamp.send_after(User), literal(0))
        .join(User, User.id == ack.user_id)
        .join(RegulationUpdate, RegulationUpdate.id == ack.regulation_update_id)
        .where(ack.acknowledged_at.is_(None), ack.assigned_on <= today,
               RegulationUpdate.published_at.is_not(None),
               User.active.is_(True), User.pseudonymised_at.is_(None))
    )


def _manager_escalations(
    today: dt.date, settings: ReminderSettings, stamp: _Stamp
) -> Select[*tuple[Any, ...]]:
    manager = aliased(User)
    return _escalations(today, settings, stamp, manager).join(manager, _is_manager(manager))


def _hr_escalations(
    session: Session, today: dt.date, settings: ReminderSettings, stamp: _Stamp
) -> Select[*tuple[Any, ...]] | None:
    """People without an (active) manager: every HR user whose scope covers their department.

    The HR users' ids are read first (a few) and inlined, so the big query finds them by
    primary key instead of scanning users again for every overdue assignment.
    """
    hr_ids = sorted(session.scalars(select(User.id).where(User.is_hr.is_(True), User.active.is_(True))))
    if not hr_ids:
        return None
    manager, hr = aliased(User), aliased(User)
    covers = exists().where(hr_scope.c.user_id == hr.id, hr_scope.c.department_id == User.department_id)
    return (
        _escalations(today, settings, stamp, hr)
        .outerjoin(manager, _is_manager(manager))
        .join(hr, and_(hr.id.in_(hr_ids), hr.id != User.id))
        .where(manager.id.is_(None), or_(covers, hr.hr_all_departments.is_(True)))
    )


def _is_manager(manager: Any) -> ColumnElement[bool]:
    return and_(manager.id == User.manager_id, manager.active.is_(True), manager.id != User.id)


def _escalations(
    today: dt.date, settings: ReminderSettings, stamp: _Stamp, recipient: Any
) -> Select[*tuple[Any, ...]]:
    kind = literal("escalation")
    key = (_key("assignment", Assignment.id, kind, literal(ESCALATION_STEP))
           + ":to:" + cast(recipient.id, String))
    overdue_since = today - dt.timedelta(days=settings.escalate_after_days)
    return open_assignments(today).add_columns(
        recipient.id, Assignment.user_id, Assignment.id, null(), kind, key, literal("email"),
        stamp.created_at(), stamp.send_after(recipient), literal(0),
    ).where(Assignment.due_on <= overdue_since)


def _key(prefix: str, target_id: Any, kind: Any, step: Any) -> ColumnElement[str]:
    """"<prefix>:<id>:<kind>:<step>" built in SQL."""
    return (literal(prefix + ":") + cast(target_id, String) + ":" + kind + ":"
            + cast(step, String))


def insert_planned(session: Session, rows: Select[*tuple[Any, ...]] | None) -> int:
    """INSERT ... SELECT rows (columns in _COLUMNS order), skipping keys already planned;
    returns how many were new. Invitations (identity/invitations.py) are planned with it too."""
    if rows is None:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(Notification.__table__).from_select(_COLUMNS, rows)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
    )
    # SQLAlchemy reports rowcount for INSERT only when asked to keep it.
    result = session.execute(statement.execution_options(preserve_rowcount=True))
    return rowcount(result) or 0


def insert_values(session: Session, values: list[dict[str, Any]]) -> int:
    """INSERT these outbox rows, skipping keys already planned; returns how many were new."""
    if not values:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (insert(Notification.__table__).values(values)
                 .on_conflict_do_nothing(index_elements=["dedupe_key"]))
    return rowcount(session.execute(statement.execution_options(preserve_rowcount=True))) or 0


def _serialise_planning(session: Session) -> None:
    """One planner at a time, so concurrent inserts of the same keys cannot deadlock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SELECT pg_advisory_xact_lock({_PLANNING_LOCK})"))
    else:
        # SQLite: take the database's write lock now (a write matching nothing).
        session.execute(text("UPDATE notifications SET id = id WHERE id < 0"))
