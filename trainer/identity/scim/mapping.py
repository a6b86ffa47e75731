"""A person as a SCIM User resource, and a SCIM User resource as what Trainer should store.

`resource_of` builds the resource a client reads; `wanted_from` checks a resource a client
wrote and turns it into `Wanted`, the person in Trainer's terms. Bad values raise
InvalidValueException (400 invalidValue) naming the attribute.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import unicodedata
from typing import Any

from scim2_models import Context, InvalidValueException, Meta, Reference

from trainer.identity.scim.resources import Email, EnterpriseUser, Manager, UserResource
from trainer.models import ScimLink
from trainer.people.accounts import AccountError, normalise_email

# Column sizes of users, departments and scim_links.
LIMITS = {"userName": 255, "externalId": 255, "displayName": 200, "title": 120, "department": 120,
          "employeeNumber": 64}


@dataclasses.dataclass(frozen=True)
class Wanted:
    """A person as the identity provider describes them, checked, in Trainer's terms."""

    user_name: str
    external_id: str | None
    email: str
    name: str
    job_role: str | None
    active: bool
    employee_id: str | None
    department: str | None
    manager_scim_id: str | None


def user_name_key(user_name: str) -> str:
    """userName as compared: NFC, lower case (RFC 7643 gives it caseExact false)."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", user_name).lower())


def resource_of(link: ScimLink, manager_scim_id: str | None) -> Any:
    """The User resource a client reads for a provisioned person (location is the server's)."""
    user = link.user
    resource = UserResource(
        id=link.id, external_id=link.external_id, user_name=link.user_name, display_name=user.name,
        title=user.job_role, active=user.active, emails=[Email(value=user.email, type=Email.Type.work)],
    )
    enterprise = EnterpriseUser(
        employee_number=user.employee_id, department=user.department.name if user.department else None,
        manager=Manager(value=manager_scim_id, ref=Reference[Any](f"Users/{manager_scim_id}"))
        if manager_scim_id else None,
    )
    if any(value is not None for value in (enterprise.employee_number, enterprise.department,
                                          enterprise.manager)):
        resource[EnterpriseUser] = enterprise
    resource.meta = Meta(resource_type="User", created=link.created_at, last_modified=link.updated_at,
                         version=_version(resource))
    return resource


def _version(resource: Any) -> str:
    """A weak ETag: a digest of what the client reads."""
    dumped = resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    digest = hashlib.sha256(json.dumps(dumped, sort_keys=True, default=str).encode()).hexdigest()
    return f'W/"{digest[:20]}"'


def wanted_from(resource: Any) -> Wanted:
    """Check a User resource a client sent and return the person it describes."""
    enterprise = resource[EnterpriseUser] or EnterpriseUser()
    manager = enterprise.manager.value if enterprise.manager else None
    return Wanted(
        user_name=_text(resource.user_name, "userName", required=True) or "",
        external_id=_text(resource.external_id, "externalId"),
        email=_email(resource.emails),
        name=_text(resource.display_name, "displayName", required=True) or "",
        job_role=_text(resource.title, "title"),
        active=True if resource.active is None else bool(resource.active),
        employee_id=_text(enterprise.employee_number, "employeeNumber"),
        department=_text(enterprise.department, "department"),
        manager_scim_id=manager or None,
    )


def _text(value: str | None, attribute: str, *, required: bool = False) -> str | None:
    """Spaces collapsed; None for empty; refused when too long (or missing and required)."""
    text = " ".join((value or "").split()) or None
    if text is None and required:
        raise InvalidValueException(detail=f"{attribute} is required and cannot be empty.")
    if text is not None and len(text) > LIMITS[attribute]:
        raise InvalidValueException(detail=f"{attribute} is longer than {LIMITS[attribute]} characters.")
    return text


def _email(emails: list[Email] | None) -> str:
    """The person's address: the primary one if marked, else the work one, else the first."""
    values = [e for e in emails or [] if e.value]
    if not values:
        raise InvalidValueException(detail="emails must hold the person's e-mail address.")
    chosen = next((e for e in values if _marked_primary(e)), None) \
        or next((e for e in values if e.type == Email.Type.work), values[0])
    try:
        return normalise_email(chosen.value or "")
    except AccountError as error:
        raise InvalidValueException(detail=str(error)) from None


def _marked_primary(email: Email) -> bool:
    # "primary" is not part of Trainer's schema (it keeps one address) but clients send it.
    return bool((getattr(email, "unknown_attributes", None) or {}).get("primary") is True)
