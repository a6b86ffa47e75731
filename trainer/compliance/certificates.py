"""Certificates: issued when a course cycle is completed, verifiable by code for ever."""

from __future__ import annotations

import dataclasses
import datetime as dt
import secrets
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer import clock
from trainer.models import Assignment, Certificate, User

if TYPE_CHECKING:
    from trainer.compliance.progress import Progress

# No 0/O or 1/I/L: codes are read aloud and typed in.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, CODE_LENGTH, 4))


def issue_certificate(session: Session, assignment: Assignment, progress: Progress) -> Certificate:
    """One certificate per completed cycle, naming the content versions completed."""
    assert assignment.completed_on is not None
    versions = [
        {
            "module": module.slug,
            "title": progress.done[module.id].module_version.title,
            "version": progress.done[module.id].module_version.number,
        }
        for module in progress.modules
    ]
    certificate = Certificate(
        code=new_code(),
        user_id=assignment.user_id,
        course_id=assignment.course_id,
        assignment_id=assignment.id,
        completed_on=assignment.completed_on,
        expires_on=assignment.expires_on,
        versions=versions,
        issued_at=clock.now(),
    )
    session.add(certificate)
    session.flush()
    return certificate


@dataclasses.dataclass(frozen=True)
class Verification:
    """What /verify/<code> may reveal: name, course and dates, nothing more."""

    name: str
    course: str
    completed_on: dt.date
    expires_on: dt.date | None
    state: str  # current | expired

    @property
    def is_current(self) -> bool:
        return self.state == "current"


def verify_certificate(session: Session, code: str, today: dt.date) -> Verification | None:
    """The certificate behind `code` (case and dashes ignored), or None if there is none."""
    cleaned = "".join(ch for ch in code.upper() if ch in CODE_ALPHABET)
    if len(cleaned) != CODE_LENGTH:
        return None
    formatted = "-".join(cleaned[i:i + 4] for i in range(0, CODE_LENGTH, 4))
    certificate = session.scalar(select(Certificate).where(Certificate.code == formatted))
    if certificate is None:
        return None
    user = session.get(User, certificate.user_id)
    expired = certificate.expires_on is not None and today > certificate.expires_on
    return Verification(
        name=user.name if user else "",
        course=certificate.course.title,
        completed_on=certificate.completed_on,
        expires_on=certificate.expires_on,
        state="expired" if expired else "current",
    )
