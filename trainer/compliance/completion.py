"""Recording completed modules and completing course assignments.

Completing a module (a passed quiz, an acknowledged policy) is recorded against the exact
version taken. When every module of the course counts for the person's current assignment,
the assignment is completed: expires_on is set from the refresher interval and a
certificate is issued.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, lazyload

from trainer import audit, clock
from trainer.audit import Actor
from trainer.compliance.calendar import add_months, next_renewal
from trainer.compliance.certificates import issue_certificate
from trainer.compliance.progress import Progress, progress_of
from trainer.compliance.requirements import refresher_months
from trainer.models import Assignment, ModuleCompletion, ModuleVersion, QuizAttempt, Requirement

# Built once (every course and module page asks): building and keying a statement costs
# more than SQLite takes to answer it. Callers have usually loaded the course already;
# joining it again would load its modules again too (Course.modules is eager), so the
# course comes from the session instead.
_CURRENT_ASSIGNMENT = select(Assignment).where(
    Assignment.user_id == bindparam("user_id"),
    Assignment.course_id == bindparam("course_id"),
    Assignment.current.is_(True),
).options(lazyload(Assignment.course))


def current_assignment(session: Session, user_id: int, course_id: int) -> Assignment | None:
    """The person's current cycle of the course, if they are in its audience."""
    return session.scalar(_CURRENT_ASSIGNMENT, {"user_id": user_id, "course_id": course_id})


def record_module_completion(
    session: Session,
    actor: Actor,
    user_id: int,
    version: ModuleVersion,
    *,
    method: str,
    score: int | None = None,
    attempt: QuizAttempt | None = None,
) -> ModuleCompletion:
    """Record that `user_id` completed `version`, then bring their assignment up to date."""
    completion = ModuleCompletion(
        user_id=user_id,
        module_id=version.module_id,
        module_version_id=version.id,
        completed_at=clock.now(),
        method=method,
        score=score,
        attempt_id=attempt.id if attempt else None,
    )
    session.add(completion)
    session.flush()
    audit.record(session, actor, "module.completed", version.module, user_id=user_id,
                 version=version.number, method=method, score=score)
    assignment = current_assignment(session, user_id, version.module.course_id)
    if assignment is not None:
        refresh_assignment(session, actor, assignment, clock.today())
    return completion


def mark_started(assignment: Assignment, today: dt.date) -> bool:
    """The first activity in a cycle (opening a module, starting a quiz) starts it.
    True when this call started it."""
    if assignment.started_on is None and assignment.completed_on is None:
        assignment.started_on = today
        return True
    return False


def refresh_assignment(
    session: Session, actor: Actor, assignment: Assignment, today: dt.date
) -> Progress:
    """Mark the assignment started or completed according to the completions that count."""
    progress = progress_of(session, assignment)
    if progress.done_count:
        mark_started(assignment, today)
    if progress.complete and assignment.completed_on is None:
        _complete(session, actor, assignment, progress, today)
    session.flush()
    return progress


def _complete(
    session: Session, actor: Actor, assignment: Assignment, progress: Progress, today: dt.date
) -> None:
    assignment.completed_on = today
    assignment.expires_on = expiry_for(session, assignment, today)
    session.flush()
    issue_certificate(session, assignment, progress)
    audit.record(session, actor, "assignment.completed", assignment,
                 user_id=assignment.user_id, course=assignment.course.slug,
                 expires_on=assignment.expires_on.isoformat() if assignment.expires_on else None)


def expiry_for(session: Session, assignment: Assignment, completed_on: dt.date) -> dt.date | None:
    """When this completion stops counting.

    Refresher cycles done by the due date extend from the old expiry (so due dates do not
    drift earlier year by year); delta cycles (major change, regulation update) keep the
    expiry they carried over; fixed-date rules renew on their date, skipping one that falls
    within the grace period after completing.
    """
    if assignment.reason in ("major_change", "regulation_update") and assignment.expires_on:
        return assignment.expires_on
    requirement = session.get(Requirement, assignment.requirement_id) if assignment.requirement_id else None
    if requirement is not None and requirement.renew_month and requirement.renew_day:
        grace = dt.timedelta(days=requirement.renew_grace_days)
        return next_renewal(completed_on + grace, requirement.renew_month, requirement.renew_day)
    months = refresher_months(requirement) if requirement else assignment.course.refresher_months
    if months is None:
        return None
    if assignment.reason == "refresher" and completed_on <= assignment.due_on:
        return add_months(assignment.due_on, months)
    return add_months(completed_on, months)
