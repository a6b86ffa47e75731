"""The SCIM endpoints under /scim/v2. Each hands the request to protocol.py (imported on the
first SCIM request: scim2-models builds its pydantic models then, not at every start-up)."""

from __future__ import annotations

from flask import Response

from trainer.web.access import api_scope, public
from trainer.web.scim import bp

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


@bp.route("/ServiceProviderConfig")
@public
def service_provider_config() -> Response:
    """What the service supports and how to authenticate: open to anyone (RFC 7643 §5).
    Other methods fall through to `endpoint`, which answers 405 to a client with a token."""
    from trainer.web.scim import protocol

    return protocol.service_provider_config()


@bp.route("/", defaults={"path": ""}, methods=METHODS)
@bp.route("/<path:path>", methods=METHODS)
@api_scope("scim")
def endpoint(path: str) -> Response:
    from trainer.web.scim import protocol

    return protocol.serve(path)
