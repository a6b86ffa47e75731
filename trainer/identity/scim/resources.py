"""What Trainer's SCIM service publishes: the User attributes it keeps, and its capabilities.

Trainer keeps only what training needs (data minimisation), so the published User schema
is a subset of RFC 7643's: userName, displayName (the person's name), emails (the one
address Trainer mails), title (job role), active, externalId, and from the enterprise
extension employeeNumber, department and manager. A client's other attributes (phone
numbers, addresses, name parts, passwords, ...) are accepted and dropped, and PATCH
operations on them change nothing. displayName, emails and active are required because
Trainer cannot hold a person without them; a creation that leaves one out gets a default
(service.py).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator
from scim2_models import (
    URN,
    AnyExtension,
    AuthenticationScheme,
    Bulk,
    CaseExact,
    ChangePassword,
    ComplexAttribute,
    ETag,
    ExtensibleStringEnum,
    Extension,
    Filter,
    Pagination,
    Patch,
    Reference,
    Required,
    Resource,
    ResourceType,
    ScimPolicy,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
)

USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
# Lists: a page holds 100 people unless the client asks for fewer, at most 500.
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


class Email(ComplexAttribute):
    class Type(ExtensibleStringEnum):
        work = "work"

    value: Annotated[str | None, Required.true] = None
    """The address Trainer sends invitations and reminders to."""

    type: Type | None = None
    """Always "work": Trainer keeps one address."""


class Manager(ComplexAttribute):
    value: Annotated[str | None, Required.true, CaseExact.true] = None
    """The SCIM id of the manager (a User provisioned here)."""

    # The resource type's name, as scim2-models spells it for RFC 7643's referenceTypes.
    ref: Annotated[Reference["User"] | None, Required.true] = Field(  # noqa: UP037
        None, serialization_alias="$ref", validation_alias="$ref")

    @model_validator(mode="before")
    @classmethod
    def _bare_id(cls, data: Any) -> Any:
        """Microsoft Entra ID sends the manager as the id alone, not as {"value": id}."""
        return {"value": data} if isinstance(data, str) else data


class EnterpriseUser(Extension):
    __schema__ = URN(ENTERPRISE_SCHEMA)

    employee_number: str | None = None
    """The HR system's key for the person (Trainer's employee id, matched before e-mail)."""

    department: str | None = None

    manager: Manager | None = None


class User(Resource[AnyExtension]):
    __schema__ = URN(USER_SCHEMA)

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    """The identity provider's name for the person (Entra ID: the UPN; Okta: the login)."""

    display_name: Annotated[str | None, Required.true] = None
    """The person's name as Trainer shows it (lists, certificates)."""

    title: str | None = None
    """The job role (requirements can target job roles)."""

    active: Annotated[bool | None, Required.true] = None
    """False deactivates the person: no sign-in, no new training; records are kept."""

    emails: Annotated[list[Email] | None, Required.true] = None


# Microsoft Entra ID departs from RFC 7644 in ways a careful server tolerates: values of
# "remove" operations that select what to remove, filters in PATCH paths that match
# nothing yet (emails[type eq "work"].value on a user without one), and attributes
# Trainer does not keep.
POLICY = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)

CONFIG = ServiceProviderConfig(
    patch=Patch(supported=True),
    bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
    filter=Filter(supported=True, max_results=MAX_PAGE_SIZE),
    change_password=ChangePassword(supported=False),
    sort=Sort(supported=False),
    etag=ETag(supported=False),
    pagination=Pagination(cursor=False, index=True, default_page_size=DEFAULT_PAGE_SIZE,
                          max_page_size=MAX_PAGE_SIZE),
    authentication_schemes=[AuthenticationScheme(
        type=AuthenticationScheme.Type.oauthbearertoken, name="Bearer token",
        description="A Trainer API token with the scim scope (Admin → API tokens)", primary=True)],
)

USER_TYPE = ResourceType.from_resource(User[EnterpriseUser])
PROVIDER = ScimProvider(models=[User, EnterpriseUser], resource_types=[USER_TYPE], config=CONFIG,
                        policy=POLICY)
# The composed model of a provisioned person, extension included.
UserResource = User[EnterpriseUser]
