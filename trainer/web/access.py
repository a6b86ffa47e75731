"""Who may use which route, declared on the route itself.

Every view carries a `trainer_access` attribute set by one of these decorators. A request
to an endpoint without one is refused (deny by default), and a test walks app.url_map to
prove every route declares its rule.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import abort

from trainer.extensions import login_manager
from trainer.web.current import current_user

F = TypeVar("F", bound=Callable[..., Any])
ACCESS_ATTR = "trainer_access"


@dataclasses.dataclass(frozen=True)
class Access:
    """public: anyone; roles: signed-in users with any of them; api_scope: bearer token."""

    public: bool = False
    roles: frozenset[str] = frozenset()
    api_scope: str | None = None


def public(view: F) -> F:
    """Anyone may use this route, signed in or not."""
    setattr(view, ACCESS_ATTR, Access(public=True))
    return view


def roles_required(*roles: str) -> Callable[[F], F]:
    """Signed-in users holding at least one of `roles` ("employee" = any signed-in user)."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not any(current_user.has_role(role) for role in roles):
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapped, ACCESS_ATTR, Access(roles=frozenset(roles)))
        return cast(F, wrapped)

    return decorator


login_required = roles_required("employee")


def api_scope(scope: str) -> Callable[[F], F]:
    """A bearer token with `scope` ("read" or "sync"). A missing, unknown, expired or revoked
    token is a 401, a token without the scope a 403, both as JSON. Cookies grant nothing
    here, which is why the API needs no CSRF token."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            from trainer.web.api.auth import authenticate

            refusal = authenticate(scope)
            if refusal is not None:
                return refusal
            return view(*args, **kwargs)

        setattr(wrapped, ACCESS_ATTR, Access(api_scope=scope))
        return cast(F, wrapped)

    return decorator


def declared_access(view: Callable[..., Any]) -> Access | None:
    return getattr(view, ACCESS_ATTR, None)
