"""Serving one SCIM request: scim2-server's handler over Trainer's storage.

The handler routes (/Users, /Users/<id>, /Schemas, /ResourceTypes, /.search, and SCIM
404/405/501 answers for the rest); this module turns the Flask request into a SCIM request,
commits what the request changed together with the compliance follow-up, or rolls back
and answers with a SCIM error. It loads scim2-models' pydantic models, so views.py imports
it on the first SCIM request rather than at start-up.
"""

from __future__ import annotations

import json

from flask import Response, current_app, request
from scim2_models import (
    ForbiddenException,
    PayloadTooLargeException,
    SCIMException,
    UniquenessException,
)
from scim2_server.handler import ScimHandler
from scim2_server.requests import ScimRequest
from scim2_server.responses import ScimResponse
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge

from trainer import clock
from trainer.extensions import db
from trainer.identity.scim.accounts import Provisioner, follow_up
from trainer.identity.scim.service import TrainerScimService
from trainer.identity.scim.storage import TrainerStorage
from trainer.models import User
from trainer.people.privileged import Authority, Channel
from trainer.web.api.auth import api_actor, current_token

SERVICE = TrainerScimService()
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
ROOT = "/scim/v2"


def service_provider_config() -> Response:
    try:
        with SERVICE.provider:
            response = SERVICE.service_provider_config(_base_url() + "/ServiceProviderConfig",
                                                       dict(request.args))
    except SCIMException as error:  # a filter: 403 (RFC 7644 §4)
        response = SERVICE.error_response(error)
    return _send(response)


def serve(path: str) -> Response:
    """Answer a request from a client holding a token with the scim scope."""
    owner = db.session.get(User, current_token().token.created_by_id or 0)
    if owner is not None and not owner.is_admin:
        return _send(SERVICE.error_response(ForbiddenException(
            detail="The token's owner is no longer an administrator; SCIM needs an administrator's token.")))
    try:
        scim_request = _scim_request("/" + path)
    except RequestEntityTooLarge:
        return _send(SERVICE.error_response(PayloadTooLargeException()))
    return _send(_handle(scim_request, owner))


def _handle(scim_request: ScimRequest, owner: User | None) -> ScimResponse:
    provisioner = Provisioner(db.session, api_actor(), Authority.of(Channel.SCIM, owner))
    storage = TrainerStorage(db.session, provisioner, lock=request.method in WRITES)
    try:
        response = ScimHandler(SERVICE, storage).handle(scim_request)
        follow_up(db.session, provisioner, clock.today(),
                  refresher_window_days=int(current_app.config["REFRESHER_WINDOW_DAYS"]))
        db.session.commit()
    except SCIMException as error:
        db.session.rollback()
        return SERVICE.error_response(error)
    except IntegrityError:
        # Two requests created the same userName or address at the same moment.
        db.session.rollback()
        return SERVICE.error_response(UniquenessException(
            detail="Another request just took this userName, e-mail address or employeeNumber."))
    return response


def _scim_request(path: str) -> ScimRequest:
    return ScimRequest(method=request.method, base_url=_base_url(), path=path, query=dict(request.args),
                       headers=list(request.headers.items()), body=request.get_data(cache=False))


def _base_url() -> str:
    """The SCIM root as the client sees it (behind a proxy, with TRAINER_PROXY_COUNT set)."""
    return request.host_url.rstrip("/") + ROOT


def _send(response: ScimResponse) -> Response:
    body = "" if response.body is None else json.dumps(response.body)
    headers = {"Cache-Control": "no-store", **response.headers}
    return Response(body, status=response.status.value, headers=headers)
