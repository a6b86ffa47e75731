"""Sign-in settings (OIDC, SAML, account matching), read once from the app config.

Every setting is optional: without them Trainer offers password sign-in only. A setting that
cannot work stops start-up with a one-line ConfigError naming it (see README's table).
Values arrive from TRAINER_* variables parsed as JSON when they can be, so lists and maps
are accepted both as JSON (`["a.com","b.com"]`) and as plain text (`a.com, b.com`,
`group=role, group=role`).
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from collections.abc import Mapping
from typing import Any

from trainer.config import ConfigError

# Trainer fields that claims or attributes may fill, and the default claim for each.
PROFILE_FIELDS = ("email", "email_verified", "name", "department", "job_role", "employee_id", "groups")
OIDC_DEFAULT_CLAIMS = {"email": "email", "email_verified": "email_verified", "name": "name",
                       "groups": "groups"}
OIDC_DEFAULT_NAME = "single sign-on"
SAML_DEFAULT_NAME = "single sign-on (SAML)"
SAML_DEFAULT_ATTRIBUTES = {"email": "email", "name": "name", "groups": "groups"}
GRANTABLE_ROLES = ("hr", "admin")


@dataclasses.dataclass(frozen=True)
class MatchingSettings:
    """How a verified identity becomes a Trainer account (both protocols)."""

    create_accounts: bool = False
    allowed_domains: tuple[str, ...] = ()
    group_roles: Mapping[str, str] = dataclasses.field(default_factory=dict)
    clock_skew_seconds: int = 120

    def domain_allowed(self, email: str) -> bool:
        return email.rsplit("@", 1)[-1].lower() in self.allowed_domains


@dataclasses.dataclass(frozen=True)
class OidcSettings:
    discovery_url: str
    client_id: str
    client_secret: str
    display_name: str
    scopes: str
    claims: Mapping[str, str]


@dataclasses.dataclass(frozen=True)
class SamlSettings:
    idp_metadata: str  # a URL, a file path or the XML itself
    display_name: str
    sp_entity_id: str
    attributes: Mapping[str, str]
    idp_initiated: bool
    sp_key_file: str | None
    sp_cert_file: str | None


@dataclasses.dataclass(frozen=True)
class SignInSettings:
    matching: MatchingSettings
    oidc: OidcSettings | None
    saml: SamlSettings | None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SignInSettings:
        return cls(matching=_matching(config), oidc=_oidc(config), saml=_saml(config))


def _matching(config: Mapping[str, Any]) -> MatchingSettings:
    domains = tuple(d.lower().lstrip("@") for d in text_list(config, "SSO_ALLOWED_DOMAINS"))
    create = flag(config, "SSO_CREATE_ACCOUNTS")
    if create and not domains:
        raise ConfigError("TRAINER_SSO_CREATE_ACCOUNTS needs TRAINER_SSO_ALLOWED_DOMAINS: the e-mail "
                          "domains whose people may get an account at their first sign-in")
    group_roles = text_map(config, "SSO_GROUP_ROLES")
    for group, role in group_roles.items():
        if role not in GRANTABLE_ROLES:
            raise ConfigError(f"TRAINER_SSO_GROUP_ROLES maps {group!r} to {role!r}; "
                              f"roles are {' or '.join(GRANTABLE_ROLES)}")
    skew = config.get("SSO_CLOCK_SKEW_SECONDS", 120)
    if not isinstance(skew, int) or isinstance(skew, bool) or not 0 <= skew <= 600:
        raise ConfigError(f"TRAINER_SSO_CLOCK_SKEW_SECONDS must be a number of seconds from 0 to 600, "
                          f"not {skew!r}")
    return MatchingSettings(create_accounts=create, allowed_domains=domains, group_roles=group_roles,
                            clock_skew_seconds=skew)


def _oidc(config: Mapping[str, Any]) -> OidcSettings | None:
    discovery_url = config.get("OIDC_DISCOVERY_URL")
    if not discovery_url:
        return None
    schemes = ("https://",) if config.get("ENV") == "production" else ("https://", "http://")
    if not str(discovery_url).startswith(schemes):
        raise ConfigError(f"TRAINER_OIDC_DISCOVERY_URL must be an https:// URL, not {discovery_url!r}")
    for name in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"):
        if not config.get(name):
            raise ConfigError(f"TRAINER_{name} is needed when TRAINER_OIDC_DISCOVERY_URL is set")
    return OidcSettings(
        discovery_url=str(discovery_url), client_id=str(config["OIDC_CLIENT_ID"]),
        client_secret=str(config["OIDC_CLIENT_SECRET"]),
        display_name=str(config.get("OIDC_NAME") or OIDC_DEFAULT_NAME),
        scopes=str(config.get("OIDC_SCOPES") or "openid email profile"),
        claims=_field_map(config, "OIDC_CLAIMS", OIDC_DEFAULT_CLAIMS),
    )


def _saml(config: Mapping[str, Any]) -> SamlSettings | None:
    metadata = config.get("SAML_IDP_METADATA")
    if not metadata:
        return None
    if shutil.which("xmlsec1") is None:
        raise ConfigError("TRAINER_SAML_IDP_METADATA is set but SAML needs the xmlsec1 program: "
                          "install it (Debian: apt-get install xmlsec1)")
    key, cert = config.get("SAML_SP_KEY_FILE"), config.get("SAML_SP_CERT_FILE")
    for name, path in (("SAML_SP_KEY_FILE", key), ("SAML_SP_CERT_FILE", cert)):
        if path and not os.path.isfile(str(path)):
            raise ConfigError(f"TRAINER_{name} names {path!r}, which is not a readable file")
    text = str(metadata).strip()
    if not text.startswith(("<", "https://", "http://")) and not os.path.isfile(text):
        raise ConfigError("TRAINER_SAML_IDP_METADATA must be the IdP's metadata URL, a metadata file "
                          f"or the XML itself; {text[:80]!r} is none of these")
    if bool(key) != bool(cert):
        raise ConfigError("TRAINER_SAML_SP_KEY_FILE and TRAINER_SAML_SP_CERT_FILE go together: "
                          "set both or neither")
    base_url = str(config["BASE_URL"]).rstrip("/")
    return SamlSettings(
        idp_metadata=str(metadata), display_name=str(config.get("SAML_NAME") or SAML_DEFAULT_NAME),
        sp_entity_id=str(config.get("SAML_SP_ENTITY_ID") or f"{base_url}/sso/saml/metadata"),
        attributes=_field_map(config, "SAML_ATTRIBUTES", SAML_DEFAULT_ATTRIBUTES),
        idp_initiated=flag(config, "SAML_IDP_INITIATED"),
        sp_key_file=str(key) if key else None, sp_cert_file=str(cert) if cert else None,
    )


def _field_map(config: Mapping[str, Any], name: str, defaults: Mapping[str, str]) -> dict[str, str]:
    mapping = {**defaults, **text_map(config, name)}
    unknown = sorted(set(mapping) - set(PROFILE_FIELDS))
    if unknown:
        raise ConfigError(f"TRAINER_{name} names {unknown[0]!r}; the fields are {', '.join(PROFILE_FIELDS)}")
    return {field: claim for field, claim in mapping.items() if claim}


def button_names(config: Mapping[str, Any]) -> tuple[str, ...]:
    """The sign-in page's single sign-on buttons ("Sign in with …"), without parsing the rest."""
    names = []
    if config.get("OIDC_DISCOVERY_URL"):
        names.append(str(config.get("OIDC_NAME") or OIDC_DEFAULT_NAME))
    if config.get("SAML_IDP_METADATA"):
        names.append(str(config.get("SAML_NAME") or SAML_DEFAULT_NAME))
    return tuple(names)


def flag(config: Mapping[str, Any], name: str, default: bool = False) -> bool:
    value = config.get(name, default)
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"TRAINER_{name} must be true or false, not {value!r}")


def text_list(config: Mapping[str, Any], name: str) -> tuple[str, ...]:
    """A JSON list or comma-separated text; blanks dropped."""
    value = _maybe_json(config.get(name))
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"TRAINER_{name} must be a list of text (JSON or comma-separated), not {value!r}")
    return tuple(item.strip() for item in value if item.strip())


def text_map(config: Mapping[str, Any], name: str) -> dict[str, str]:
    """A JSON object or `key=value, key=value` text."""
    value = _maybe_json(config.get(name))
    if value is None:
        return {}
    if isinstance(value, str):
        pairs = [item.split("=", 1) for item in value.split(",") if item.strip()]
        if any(len(pair) != 2 for pair in pairs):
            raise ConfigError(f"TRAINER_{name} must be a JSON object or key=value pairs separated by commas")
        value = {key.strip(): item.strip() for key, item in pairs}
    if not isinstance(value, dict) or not all(isinstance(v, str | None) for v in value.values()):
        raise ConfigError(f"TRAINER_{name} must map names to text, not {value!r}")
    return {str(key): item for key, item in value.items() if item is not None}


def _maybe_json(value: Any) -> Any:
    if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value if value not in ("", None) else None
