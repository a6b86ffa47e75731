"""Talking SCIM to the test app as an identity provider would: JSON bodies, a bearer token."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from trainer.audit import Actor
from trainer.models import User
from trainer.people.api_tokens import create_token

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SCIM_JSON = "application/scim+json"


class Scim:
    """A SCIM client over the Flask test client; every call returns the response."""

    def __init__(self, client: Any, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def request(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        return self.client.open(f"/scim/v2{path}", method=method, json=body,
                                headers={**self.headers, **headers})

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def post(self, path: str, body: Any) -> Any:
        return self.request("POST", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self.request("PUT", path, body)

    def patch(self, path: str, *operations: dict[str, Any]) -> Any:
        return self.request("PATCH", path, {"schemas": [PATCH_OP], "Operations": list(operations)})

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)


def scim_client(session: Any, client: Any, **token: Any) -> Scim:
    created = create_token(session, Actor.cli(), name="Identity provider", scopes=["scim"],
                           expires_in_days=None, **token)
    session.commit()
    return Scim(client, created.plain)


def entra_user(user_name: str, email: str, **extra: Any) -> dict[str, Any]:
    """A creation as Microsoft Entra ID sends it (its documented example: no displayName)."""
    return {
        "schemas": [USER, ENTERPRISE], "externalId": user_name.split("@")[0], "userName": user_name,
        "active": True, "emails": [{"primary": True, "type": "work", "value": email}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": "Ada Lovelace", "familyName": "Lovelace", "givenName": "Ada"}, "roles": [],
        **extra,
    }


def okta_user(login: str, **extra: Any) -> dict[str, Any]:
    """A creation as Okta sends it (its SCIM 2.0 guide), password and groups included."""
    return {
        "schemas": [USER], "userName": login, "name": {"givenName": "Grace", "familyName": "Hopper"},
        "emails": [{"primary": True, "value": login, "type": "work"}], "displayName": "Grace Hopper",
        "locale": "en-US", "externalId": "00ujl29u0le5T6Aj10h7", "groups": [], "password": "1mz050nq",
        "active": True, **extra,
    }


def person(session: Any, email: str) -> User | None:
    """The person with this address as the database has it now."""
    session.expire_all()
    found: User | None = session.scalar(select(User).where(User.email == email))
    return found
