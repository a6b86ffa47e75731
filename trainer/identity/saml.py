"""SAML 2.0 service provider, with pysaml2 (which verifies signatures with Debian's xmlsec1).

`start` builds the AuthnRequest (HTTP-Redirect binding) and returns its id for the browser to
keep; `finish` verifies the IdP's POSTed Response: a signed assertion (required), audience =
our entity id, recipient/destination = our assertion consumer service, NotBefore/NotOnOrAfter
with the allowed clock skew, InResponseTo = the request this browser started (IdP-initiated
responses only when turned on), and an assertion id never accepted before. It returns the
`VerifiedIdentity`. `metadata_xml` is what /sso/saml/metadata serves.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from typing import Any

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import create_metadata_string
from saml2.response import StatusError, UnsolicitedResponse
from saml2.saml import NAMEID_FORMAT_EMAILADDRESS, NAMEID_FORMAT_TRANSIENT
from saml2.sigver import SigverError
from saml2.validate import ResponseLifetimeExceed, ToEarly
from sqlalchemy.orm import Session

from trainer import clock
from trainer.identity import replay
from trainer.identity.claims import SignInRefused, VerifiedIdentity, identity_from_claims
from trainer.identity.settings import SamlSettings

log = logging.getLogger(__name__)
ACS_PATH = "/sso/saml/acs"
CLIENT_TTL = 3600  # seconds before the IdP's metadata is read again
FAILED = "Signing in with your organisation's account did not work. Please try again."


class SamlServiceProvider:
    def __init__(self, settings: SamlSettings, base_url: str, clock_skew: int) -> None:
        self.settings = settings
        self.acs_url = base_url.rstrip("/") + ACS_PATH
        self.clock_skew = clock_skew

    def start(self, relay_state: str = "") -> tuple[str, str]:
        """(URL to send the browser to, the AuthnRequest's id to remember)."""
        client = self._client()
        request_id, info = client.prepare_for_authenticate(
            entityid=self._idp_entity_id(client), relay_state=relay_state, binding=BINDING_HTTP_REDIRECT)
        location = dict(info["headers"])["Location"]
        return str(location), str(request_id)

    def finish(self, session: Session, saml_response: str, request_id: str | None) -> VerifiedIdentity:
        """Who signed in, from the POSTed SAMLResponse; SignInRefused otherwise."""
        client = self._client()
        outstanding = {request_id: "/"} if request_id else {}
        try:
            response = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding)
        except Exception as error:  # noqa: BLE001  (pysaml2 raises bare Exceptions too)
            raise _refusal(error) from None
        if response is None or response.assertion is None:
            raise SignInRefused("bad_response", FAILED)
        assertion = response.assertion
        issuer = str(assertion.issuer.text).strip() if assertion.issuer is not None else ""
        expires = _not_on_or_after(response)
        if not replay.use_once(session, "saml", issuer, str(assertion.id), expires):
            raise SignInRefused("replayed", "This sign-in was already used. Please start again.")
        return self._identity(issuer, response)

    def _identity(self, issuer: str, response: Any) -> VerifiedIdentity:
        name_id = response.name_id
        attributes: dict[str, Any] = dict(response.ava or {})
        names = dict(self.settings.attributes)
        if (name_id is not None and name_id.format == NAMEID_FORMAT_EMAILADDRESS
                and names.get("email") not in attributes):
            attributes["nameid:email"] = [name_id.text]  # Google's default: the NameID is the address
            names["email"] = "nameid:email"
        # A transient NameID changes at every sign-in: it identifies nobody, so only the
        # e-mail address is matched.
        transient = name_id is None or name_id.format == NAMEID_FORMAT_TRANSIENT
        subject = None if transient else str(name_id.text).strip()
        # The organisation's IdP vouches for the addresses it asserts, unless an attribute says not.
        return identity_from_claims("saml", issuer, subject, attributes, names, email_verified_default=True)

    def metadata_xml(self) -> str:
        return create_metadata_string(None, config=self._config(), valid=None, sign=False).decode()

    def _idp_entity_id(self, client: Saml2Client) -> str:
        idps = list(client.metadata.identity_providers())
        if len(idps) != 1:
            raise SignInRefused("bad_metadata", f"The identity provider's metadata names {len(idps)} "
                                                "identity providers; Trainer needs exactly one.")
        return str(idps[0])

    def _client(self) -> Saml2Client:
        return _CLIENTS.get(self)

    def _config(self) -> SPConfig:
        settings = self.settings
        sp: dict[str, Any] = {
            "endpoints": {"assertion_consumer_service": [(self.acs_url, BINDING_HTTP_POST)]},
            "allow_unsolicited": settings.idp_initiated,
            "want_assertions_signed": True,
            "want_response_signed": False,
            "authn_requests_signed": bool(settings.sp_key_file),
        }
        config: dict[str, Any] = {
            "entityid": settings.sp_entity_id,
            "service": {"sp": sp},
            "metadata": _metadata_source(settings.idp_metadata),
            "accepted_time_diff": self.clock_skew,
            "allow_unknown_attributes": True,
        }
        if settings.sp_key_file and settings.sp_cert_file:
            config.update(key_file=settings.sp_key_file, cert_file=settings.sp_cert_file,
                          encryption_keypairs=[{"key_file": settings.sp_key_file,
                                                "cert_file": settings.sp_cert_file}])
        loaded = SPConfig()
        try:
            loaded.load(config)
        except Exception as error:  # noqa: BLE001  (unreadable metadata, a network error, …)
            log.warning("SAML configuration could not be loaded: %s", error)
            raise SignInRefused("bad_metadata", f"Trainer could not read the identity provider's "
                                f"metadata ({type(error).__name__}). Please try again later.") from None
        return loaded


def _metadata_source(value: str) -> dict[str, Any]:
    if value.lstrip().startswith("<"):
        return {"inline": [value]}
    if value.startswith(("https://", "http://")):
        return {"remote": [{"url": value}]}
    return {"local": [value]}


def _not_on_or_after(response: Any) -> dt.datetime:
    """When the assertion stops being valid (its id is kept until then)."""
    seconds = getattr(response, "not_on_or_after", 0) or 0
    if seconds:
        return dt.datetime.fromtimestamp(int(seconds), dt.UTC)
    return clock.now() + dt.timedelta(hours=1)


def _refusal(error: Exception) -> SignInRefused:
    """pysaml2's many exceptions, as reasons an operator can act on (docs/sso.md)."""
    text = str(error)
    log.info("SAML response refused: %s: %s", type(error).__name__, text[:300])
    if isinstance(error, ResponseLifetimeExceed | ToEarly):
        return SignInRefused("expired", "The identity provider's answer is not valid at this time. "
                                        "Check that this server's clock is right, then try again.")
    if isinstance(error, UnsolicitedResponse):
        return SignInRefused("state_mismatch", "This answer does not belong to a sign-in started in this "
                                               "browser. Please start again from the sign-in page.")
    if isinstance(error, StatusError):
        return SignInRefused("idp_error", f"The identity provider refused the sign-in: {text[:200]}")
    if isinstance(error, SigverError) or "signature" in text.lower() or "signed" in text.lower():
        return SignInRefused("bad_signature", FAILED)
    if "AudienceRestrictions" in text:
        return SignInRefused("wrong_audience", FAILED)
    if "destination" in text.lower() or "recipient" in text.lower():
        return SignInRefused("wrong_recipient", FAILED)
    return SignInRefused("bad_response", FAILED)


class _ClientCache:
    """One pysaml2 client per configuration, rebuilt every CLIENT_TTL (remote metadata)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, Saml2Client]] = {}

    def get(self, provider: SamlServiceProvider) -> Saml2Client:
        key = repr((provider.settings, provider.acs_url, provider.clock_skew))
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or time.monotonic() - entry[0] > CLIENT_TTL:
            entry = (time.monotonic(), Saml2Client(config=provider._config()))
            with self._lock:
                self._entries[key] = entry
        return entry[1]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_CLIENTS = _ClientCache()
clear_cache = _CLIENTS.clear
