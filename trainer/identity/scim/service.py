"""Trainer's SCIM protocol service: scim2-server's, with defaults for a person's essentials.

Trainer needs a name, an address and a state for everyone, so its schema marks
displayName, emails and active as required. Identity providers do not always send them
all: a creation or replacement without them gets, before validation, active = true, the
name from name.formatted or name.givenName + name.familyName (else the userName), and
the address from a userName that is an e-mail address. What is still missing is refused
(400) with the attribute named. A PATCH answers 200 with the person (not 204).
"""

from __future__ import annotations

import json
from typing import Any

from scim2_models import Context, Resource, ResourceType, ResponseParameters
from scim2_server.responses import ScimResponse
from scim2_server.service import ScimService

from trainer.identity.scim.resources import PROVIDER
from trainer.people.accounts import AccountError, normalise_email


class TrainerScimService(ScimService):
    def __init__(self) -> None:
        super().__init__(PROVIDER)


    def read_creation(self, resource_type: ResourceType, body: bytes,
                      content_type: str | None) -> Resource[Any]:
        return super().read_creation(resource_type, self._with_defaults(body, content_type), content_type)

    def read_replacement(self, resource_type: ResourceType, body: bytes,
                         content_type: str | None) -> Resource[Any]:
        return super().read_replacement(resource_type, self._with_defaults(body, content_type),
                                        content_type)

    def patch_response(self, base_url: str, resource: Resource[Any],
                       response_parameters: ResponseParameters[Any]) -> ScimResponse:
        """The whole person after a PATCH, with 200: Okta and Entra ID read it (RFC 7644 allows
        204 only when no attributes were asked for; some clients take 204 for a failure)."""
        return self.resource_response(self.publish(base_url, resource), Context.RESOURCE_REPLACEMENT_RESPONSE,
                                      response_parameters)

    def _with_defaults(self, body: bytes, content_type: str | None) -> bytes:
        payload = self.decode_body(body, content_type)
        if not isinstance(payload, dict):
            return body  # validation names the problem
        return json.dumps(with_defaults(payload)).encode()


def with_defaults(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with active, displayName and emails filled in when left out."""
    keys = {key.lower(): key for key in payload}
    filled = dict(payload)
    if "active" not in keys:
        filled["active"] = True
    if not payload.get(keys.get("displayname", "displayName")):
        name = _name_of(payload.get(keys.get("name", "name")), payload.get(keys.get("username", "userName")))
        if name:
            filled["displayName"] = name
    if not payload.get(keys.get("emails", "emails")):
        address = _address(payload.get(keys.get("username", "userName")))
        if address:
            filled["emails"] = [{"value": address, "type": "work"}]
    return filled


def _name_of(name: Any, user_name: Any) -> str | None:
    parts = {str(k).lower(): v for k, v in name.items()} if isinstance(name, dict) else {}
    if isinstance(parts.get("formatted"), str) and parts["formatted"].strip():
        return str(parts["formatted"])
    joined = " ".join(str(parts[k]) for k in ("givenname", "familyname") if isinstance(parts.get(k), str))
    return joined.strip() or (user_name if isinstance(user_name, str) else None)


def _address(user_name: Any) -> str | None:
    if not isinstance(user_name, str):
        return None
    try:
        return normalise_email(user_name)
    except AccountError:
        return None
