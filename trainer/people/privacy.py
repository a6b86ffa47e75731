"""Trainer's own privacy notice, generated from configuration so that it stays true.

Each entry says what is stored, why, for how long and who can see it. When a model gains a
field about people, it gets an entry here (tests compare this list with the User model).
"""

from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass(frozen=True)
class DataItem:
    what: str
    why: str
    kept: str
    seen_by: str
    fields: tuple[str, ...] = ()


def privacy_notice(config: Any) -> dict[str, Any]:
    retention_days = int(config["RETENTION_DAYS"])
    ip_days = int(config["AUDIT_IP_DAYS"])
    after_leaving = (
        f"while you work here and {retention_days} days after your account is deactivated; "
        "then your name and e-mail address are replaced by a pseudonym"
    )
    items = [
        DataItem(
            "Your name, work e-mail address, department, job role, manager and hiring date",
            "to sign you in, assign the training your role requires and tell your manager "
            "when training is overdue",
            after_leaving,
            "you, HR staff for your department, administrators, your manager (overdue training only)",
            ("name", "email", "department_id", "job_role", "manager_id", "hired_on"),
        ),
        DataItem(
            "A hash of your password (argon2id; the password itself is never stored)",
            "to check your password when you sign in",
            "until you change it or your account is pseudonymised",
            "nobody (it cannot be turned back into your password)",
            ("password_hash", "password_changed_at", "session_version"),
        ),
        DataItem(
            "Your training record: assignments, due dates, quiz attempts and answers, scores, "
            "completions, acknowledgements and certificates",
            "to prove to auditors and supervisory authorities that staff are trained "
            "(GDPR Art. 5(2), 24 and 39(1)(b))",
            "for as long as the evidence is needed; after you leave it is kept under a pseudonym",
            "you, HR staff for your department, administrators, auditors via HR exports",
        ),
        DataItem(
            "Reminder e-mails sent to you and when you read in-app notices",
            "to remind you of training that is due, exactly once",
            after_leaving,
            "you and administrators (delivery problems)",
            ("digest_frequency",),
        ),
        DataItem(
            "A log of sign-ins, failed sign-ins and changes you make, with your IP address",
            "to protect accounts and keep a tamper-evident audit trail",
            f"the full IP address for {ip_days} days, then only its network part",
            "administrators",
        ),
        DataItem(
            "A secret link for your calendar feed, if you turn it on (stored only as a hash)",
            "to show your due dates in your calendar",
            "until you turn the feed off",
            "nobody but holders of the link",
            ("calendar_token_hash",),
        ),
    ]
    return {
        "organisation": config["ORGANISATION_NAME"],
        "contact": config["PRIVACY_CONTACT"],
        "items": items,
        "retention_days": retention_days,
        "ip_days": ip_days,
    }
