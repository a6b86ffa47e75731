"""Everything Trainer holds about one person, as JSON (GDPR Art. 15 access, Art. 20 portability).

Other people's personal data stays out: the manager appears by name only (the employee
knows who their manager is; the manager's e-mail address is the manager's data), other
actors in the audit trail by name and never with their e-mail or IP address, and events or
notifications about someone else are listed without the details that identify them.
Secrets appear only as facts ("a password is set"), never as hashes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from trainer.models import (
    Assignment,
    AuditEvent,
    Certificate,
    ModuleCompletion,
    ModuleVisit,
    Notification,
    QuizAttempt,
    SsoIdentity,
    UpdateAcknowledgement,
    User,
)

FORMAT_VERSION = 1


def subject_access_export(session: Session, user: User, now: dt.datetime) -> dict[str, Any]:
    """The person's data as plain JSON-ready values."""
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": now.isoformat(),
        "profile": _profile(user),
        "single_sign_on": [_sso_identity(i) for i in _rows(session, SsoIdentity, user.id, SsoIdentity.id)],
        "assignments": [_assignment(a) for a in _rows(session, Assignment, user.id, Assignment.id)],
        "module_visits": [_visit(v) for v in _rows(session, ModuleVisit, user.id, ModuleVisit.first_seen_at)],
        "quiz_attempts": [_attempt(a) for a in _rows(session, QuizAttempt, user.id, QuizAttempt.id)],
        "module_completions": [_completion(c) for c in _rows(session, ModuleCompletion, user.id,
                                                              ModuleCompletion.id)],
        "certificates": [_certificate(c) for c in _rows(session, Certificate, user.id, Certificate.id)],
        "regulation_update_acknowledgements": [
            _acknowledgement(a) for a in _rows(session, UpdateAcknowledgement, user.id,
                                               UpdateAcknowledgement.id)],
        "notifications": [_notification(n, user.id) for n in _rows(session, Notification, user.id,
                                                                     Notification.id)],
        "audit_events": [_event(session, e, user) for e in _audit_events(session, user)],
    }


def _rows(session: Session, model: Any, user_id: int, order: Any) -> list[Any]:
    return list(session.scalars(select(model).where(model.user_id == user_id).order_by(order)))


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _profile(user: User) -> dict[str, Any]:
    return {
        "name": user.name,
        "email": user.email,
        "department": user.department.name if user.department else None,
        "job_role": user.job_role,
        "manager": user.manager.name if user.manager else None,
        "roles": sorted(user.roles),
        "hr_departments": sorted(d.name for d in user.hr_departments),
        "active": user.active,
        "hired_on": _iso(user.hired_on),
        "locale": user.locale,
        "created_at": _iso(user.created_at),
        "deactivated_at": _iso(user.deactivated_at),
        "password_set": user.password_hash is not None,
        "password_changed_at": _iso(user.password_changed_at),
        "reminder_frequency": user.digest_frequency,
        "calendar_feed_enabled": user.calendar_token_hash is not None,
    }


def _sso_identity(identity: SsoIdentity) -> dict[str, Any]:
    """The identity provider's ids for the person, linked at their first sign-in through it."""
    return {
        "protocol": identity.protocol,
        "identity_provider": identity.issuer,
        "subject": identity.subject,
        "linked_at": _iso(identity.created_at),
        "last_sign_in_at": _iso(identity.last_sign_in_at),
    }


def _assignment(a: Assignment) -> dict[str, Any]:
    return {
        "id": a.id, "course": a.course.title, "course_slug": a.course.slug, "cycle": a.cycle,
        "reason": a.reason, "assigned_on": _iso(a.assigned_on), "due_on": _iso(a.due_on),
        "started_on": _iso(a.started_on), "completed_on": _iso(a.completed_on),
        "expires_on": _iso(a.expires_on), "current": a.current, "closed_on": _iso(a.closed_on),
        "closed_reason": a.closed_reason, "change_note": a.change_note,
    }


def _visit(v: ModuleVisit) -> dict[str, Any]:
    return {"module_version_id": v.module_version_id, "first_seen_at": _iso(v.first_seen_at)}


def _version(version: Any) -> dict[str, Any]:
    module = version.module
    return {"course": module.course.slug, "module": module.slug, "title": version.title,
            "version": version.number}


def _attempt(a: QuizAttempt) -> dict[str, Any]:
    return {
        "id": a.id, "module": _version(a.module_version), "assignment_id": a.assignment_id,
        "questions": a.question_ids, "answers": a.answers, "score": a.score, "passed": a.passed,
        "started_at": _iso(a.started_at), "submitted_at": _iso(a.submitted_at),
    }


def _completion(c: ModuleCompletion) -> dict[str, Any]:
    return {"id": c.id, "module": _version(c.module_version), "completed_at": _iso(c.completed_at),
            "method": c.method, "score": c.score, "attempt_id": c.attempt_id}


def _certificate(c: Certificate) -> dict[str, Any]:
    return {"code": c.code, "course": c.course.title, "assignment_id": c.assignment_id,
            "completed_on": _iso(c.completed_on), "expires_on": _iso(c.expires_on),
            "versions": c.versions, "issued_at": _iso(c.issued_at)}


def _acknowledgement(a: UpdateAcknowledgement) -> dict[str, Any]:
    update = a.regulation_update
    return {"regulation_update": update.title, "regulation": update.regulation,
            "assigned_on": _iso(a.assigned_on), "due_on": _iso(a.due_on),
            "acknowledged_at": _iso(a.acknowledged_at)}


def _notification(n: Notification, user_id: int) -> dict[str, Any]:
    about_me = n.subject_user_id in (None, user_id)
    return {
        "kind": n.kind, "channel": n.channel, "about_someone_else": not about_me,
        "assignment_id": n.assignment_id if about_me else None,
        "created_at": _iso(n.created_at), "sent_at": _iso(n.sent_at), "failed_at": _iso(n.failed_at),
        "attempts": n.attempts, "read_at": _iso(n.read_at),
    }


def _audit_events(session: Session, user: User) -> list[AuditEvent]:
    return list(session.scalars(
        select(AuditEvent)
        .where(or_(AuditEvent.actor_id == user.id,
                   (AuditEvent.target_type == "User") & (AuditEvent.target_id == str(user.id))))
        .order_by(AuditEvent.id)
    ))


def _event(session: Session, event: AuditEvent, user: User) -> dict[str, Any]:
    mine = event.actor_id == user.id
    return {
        "at": _iso(event.at), "action": event.action,
        "actor": "you" if mine else _other_actor(session, event),
        "ip": event.ip if mine else None,
        "target_type": event.target_type,
        "details": event.details if _only_about(event, user) else "(about another person: not included)",
    }


def _other_actor(session: Session, event: AuditEvent) -> str:
    if event.actor_id is None:
        return event.actor_label if event.actor_label in ("cli", "system") else "unknown"
    actor = session.get(User, event.actor_id)
    return actor.name if actor else "a former user"


def _only_about(event: AuditEvent, user: User) -> bool:
    """True when the event's details name no one but `user` (or no one)."""
    if event.target_type == "User" and event.target_id != str(user.id):
        return False
    details = event.details or {}
    if details.get("user_id") not in (None, user.id):
        return False
    return details.get("email") in (None, user.email)
