"""What an identity provider has vouched for, in Trainer's terms.

Both protocols end in a `VerifiedIdentity`: the provider's stable subject plus the profile
fields that the configured claim (OIDC) or attribute (SAML) names map to.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any


class SignInRefused(Exception):
    """Sign-in through the identity provider cannot go on.

    `reason` is a short code for the audit trail and logs; the message is what the person
    sees (it never reveals whether an account exists beyond what they already know).
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclasses.dataclass(frozen=True)
class VerifiedIdentity:
    protocol: str  # oidc | saml
    issuer: str
    subject: str | None  # None: the provider gave no stable id (a transient SAML NameID)
    email: str | None = None
    email_verified: bool = False
    name: str | None = None
    department: str | None = None
    job_role: str | None = None
    employee_id: str | None = None
    groups: tuple[str, ...] = ()


def identity_from_claims(protocol: str, issuer: str, subject: str | None, claims: Mapping[str, Any],
                         names: Mapping[str, str], *, email_verified_default: bool) -> VerifiedIdentity:
    """Pick the mapped profile fields out of raw claims (lists of one value are unwrapped)."""

    def text(field: str) -> str | None:
        value = _single(claims.get(names[field])) if field in names else None
        if value is None:
            return None
        cleaned = " ".join(str(value).split())
        return cleaned or None

    verified_claim = _single(claims.get(names["email_verified"])) if "email_verified" in names else None
    if verified_claim is None:
        verified = email_verified_default
    else:
        verified = verified_claim is True or str(verified_claim).strip().lower() == "true"
    return VerifiedIdentity(
        protocol=protocol, issuer=issuer, subject=subject,
        email=(text("email") or "").lower() or None, email_verified=verified,
        name=text("name"), department=text("department"), job_role=text("job_role"),
        employee_id=text("employee_id"), groups=_groups(claims.get(names.get("groups", ""))),
    )


def _single(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return value[0] if len(value) == 1 else None
    return value


def _groups(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(str(item) for item in value)
    return ()
