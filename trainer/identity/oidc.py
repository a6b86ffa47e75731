"""OpenID Connect sign-in (authorization code flow with PKCE), with Authlib.

`start` builds the provider's authorization URL and the secrets the browser's session must
keep (state, nonce, PKCE verifier); `finish` checks the state, exchanges the code, verifies
the ID token (signature against the provider's JWKS, issuer, audience, expiry, nonce),
refuses a nonce seen before, reads the userinfo endpoint when there is one, and returns the
`VerifiedIdentity`. Every failure is a `SignInRefused` with a reason and a plain message.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hmac
import threading
import time
from collections.abc import Mapping
from typing import Any, cast

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    InvalidKeyIdError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet, KeySetSerialization
from joserfc.jws import JWSRegistry
from sqlalchemy.orm import Session

from trainer import clock
from trainer.identity import replay
from trainer.identity.claims import SignInRefused, VerifiedIdentity, identity_from_claims
from trainer.identity.settings import OidcSettings

HTTP_TIMEOUT = 10  # seconds for each call to the provider
METADATA_TTL = 3600  # seconds a discovery document and key set are reused
# Asymmetric algorithms only: a symmetric one would let anyone holding the client secret
# (or an "alg": "none" header) mint tokens.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                      "ES256", "ES384", "ES512", "EdDSA")
CLAIM_REASONS = {"aud": "wrong_audience", "iss": "wrong_issuer", "nonce": "nonce_mismatch",
                 "azp": "wrong_audience", "at_hash": "bad_token"}
FAILED = "Signing in with your organisation's account did not work. Please try again."


@dataclasses.dataclass(frozen=True)
class PendingSignIn:
    """What the browser's session keeps between `start` and `finish`."""

    state: str
    nonce: str
    code_verifier: str

    def as_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> PendingSignIn | None:
        try:
            return cls(state=str(data["state"]), nonce=str(data["nonce"]),
                       code_verifier=str(data["code_verifier"]))
        except (TypeError, KeyError):
            return None


class OidcClient:
    def __init__(self, settings: OidcSettings, redirect_uri: str) -> None:
        self.settings = settings
        self.redirect_uri = redirect_uri

    def start(self) -> tuple[str, PendingSignIn]:
        """The authorization URL to send the browser to, and what to remember until it returns."""
        pending = PendingSignIn(state=generate_token(32), nonce=generate_token(32),
                                code_verifier=generate_token(64))
        url, _ = self._oauth().create_authorization_url(
            self.metadata()["authorization_endpoint"], state=pending.state,
            code_verifier=pending.code_verifier, nonce=pending.nonce)
        return url, pending

    def finish(self, session: Session, params: Mapping[str, str], pending: PendingSignIn | None,
               leeway: int) -> VerifiedIdentity:
        """Check the provider's answer and return who signed in; SignInRefused otherwise."""
        if pending is None or not hmac.compare_digest(params.get("state", ""), pending.state):
            raise SignInRefused("state_mismatch", "This sign-in link is out of date or was not started "
                                                  "in this browser. Please start again.")
        if "error" in params:
            detail = params.get("error_description") or params["error"]
            raise SignInRefused("idp_error", f"The identity provider refused the sign-in: {detail[:200]}")
        if not params.get("code"):
            raise SignInRefused("no_code", FAILED)
        token = self._exchange(params["code"], pending)
        claims = self.verify_id_token(token, pending.nonce, leeway)
        expires = dt.datetime.fromtimestamp(int(claims["exp"]), dt.UTC)
        if not replay.use_once(session, "oidc", claims["iss"], pending.nonce, expires):
            raise SignInRefused("replayed", "This sign-in was already used. Please start again.")
        merged = {**self._userinfo(token, claims["sub"]), **claims}
        return identity_from_claims("oidc", claims["iss"], claims["sub"], merged, self.settings.claims,
                                    email_verified_default=False)

    def verify_id_token(self, token: Mapping[str, Any], nonce: str, leeway: int) -> dict[str, Any]:
        raw = token.get("id_token")
        if not isinstance(raw, str):
            raise SignInRefused("no_id_token", FAILED)
        metadata = self.metadata()
        try:
            decoded = self._decode(raw)
            claims = CodeIDToken(
                decoded.claims, decoded.header,
                {"iss": {"essential": True, "value": metadata["issuer"]},
                 "aud": {"essential": True, "value": self.settings.client_id}},
                {"nonce": nonce, "client_id": self.settings.client_id,
                 "access_token": token.get("access_token")})
            claims.validate(now=int(clock.now().timestamp()), leeway=leeway)
        except ExpiredTokenError:
            raise SignInRefused("expired", "The identity provider's answer has expired. Check that this "
                                           "server's clock is right, then try again.") from None
        except (InvalidClaimError, MissingClaimError) as error:
            raise SignInRefused(CLAIM_REASONS.get(error.claim, "bad_token"), FAILED) from None
        except BadSignatureError:
            raise SignInRefused("bad_signature", FAILED) from None
        except (JoseError, ValueError):
            raise SignInRefused("bad_token", FAILED) from None
        return dict(claims)

    def _decode(self, raw: str) -> jwt.Token:
        algorithms = [alg for alg in self.metadata().get("id_token_signing_alg_values_supported", ["RS256"])
                      if alg in SIGNING_ALGORITHMS]
        registry = JWSRegistry(algorithms=algorithms)
        try:
            return jwt.decode(raw, KeySet.import_key_set(self.jwks()), registry=registry)
        except InvalidKeyIdError:  # the provider rotated its keys since we last fetched them
            return jwt.decode(raw, KeySet.import_key_set(self.jwks(refresh=True)), registry=registry)

    def _exchange(self, code: str, pending: PendingSignIn) -> dict[str, Any]:
        try:
            with self._oauth() as client:
                return dict(client.fetch_token(self.metadata()["token_endpoint"], code=code,
                                               code_verifier=pending.code_verifier, timeout=HTTP_TIMEOUT))
        except Exception as error:  # noqa: BLE001  (Authlib and requests raise many kinds)
            raise SignInRefused("token_exchange", f"{FAILED} ({type(error).__name__})") from None

    def _userinfo(self, token: Mapping[str, Any], subject: str) -> dict[str, Any]:
        endpoint = self.metadata().get("userinfo_endpoint")
        if not endpoint or not token.get("access_token"):
            return {}
        data = _get_json(endpoint, headers={"Authorization": f"Bearer {token['access_token']}"})
        if data.get("sub") != subject:  # OpenID Connect Core 5.3.4
            raise SignInRefused("userinfo_mismatch", FAILED)
        return data

    def _oauth(self) -> OAuth2Session:
        methods = self.metadata().get("token_endpoint_auth_methods_supported", ["client_secret_basic"])
        auth_method = "client_secret_basic" if "client_secret_basic" in methods else "client_secret_post"
        return OAuth2Session(self.settings.client_id, self.settings.client_secret, scope=self.settings.scopes,
                             redirect_uri=self.redirect_uri, code_challenge_method="S256",
                             token_endpoint_auth_method=auth_method)

    def metadata(self) -> dict[str, Any]:
        return _CACHE.get(self.settings.discovery_url, "metadata", _fetch_metadata)

    def jwks(self, refresh: bool = False) -> KeySetSerialization:
        uri = self.metadata()["jwks_uri"]
        return cast(KeySetSerialization, _CACHE.get(uri, "jwks", _get_json, refresh=refresh))


def _fetch_metadata(url: str) -> dict[str, Any]:
    data = _get_json(url)
    missing = [key for key in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
               if not isinstance(data.get(key), str)]
    if missing:
        raise SignInRefused("bad_discovery",
                            f"The identity provider's discovery document lacks {missing[0]}.")
    return data


def _get_json(url: str, headers: Mapping[str, str] | None = None) -> dict[str, Any]:
    try:
        response = requests.get(url, headers=dict(headers or {}), timeout=HTTP_TIMEOUT)
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as error:
        raise SignInRefused("provider_unreachable", f"Trainer could not reach the identity provider "
                            f"({type(error).__name__}). Please try again later.") from None
    if not isinstance(data, dict):
        raise SignInRefused("provider_unreachable", "The identity provider sent an unexpected answer.")
    return data


class _TimedCache:
    """Discovery documents and key sets per URL, reused for METADATA_TTL seconds."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple[str, str], tuple[float, dict[str, Any]]] = {}

    def get(self, url: str, kind: str, fetch: Any, refresh: bool = False) -> dict[str, Any]:
        key = (kind, url)
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or refresh or time.monotonic() - entry[0] > METADATA_TTL:
            entry = (time.monotonic(), fetch(url))
            with self._lock:
                self._entries[key] = entry
        return entry[1]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_CACHE = _TimedCache()
clear_cache = _CACHE.clear
