"""Password sign-in policy: an organisation that signs in through its identity provider can
turn passwords off for everyone except a named list of break-glass administrators.

`TRAINER_PASSWORD_SIGN_IN` (default true) and `TRAINER_BREAK_GLASS_ADMINS` (e-mail addresses)
are the settings; sign-in, password reset, changing one's password and invitations all ask
`PasswordPolicy.allows(user)`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, Protocol

from trainer.config import ConfigError
from trainer.identity.settings import flag, text_list

TURNED_OFF = ("Password sign-in is turned off here: sign in with your organisation's account. "
              "Only designated administrators may use a password.")


class PasswordHolder(Protocol):
    @property
    def email(self) -> str: ...

    @property
    def is_admin(self) -> bool: ...


@dataclasses.dataclass(frozen=True)
class PasswordPolicy:
    enabled: bool = True
    break_glass_admins: frozenset[str] = frozenset()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> PasswordPolicy:
        admins = frozenset(email.lower() for email in text_list(config, "BREAK_GLASS_ADMINS"))
        bad = sorted(email for email in admins if "@" not in email.strip("@"))
        if bad:
            raise ConfigError(f"TRAINER_BREAK_GLASS_ADMINS must list e-mail addresses; {bad[0]!r} is not one")
        enabled = flag(config, "PASSWORD_SIGN_IN", default=True)
        if not enabled and not (config.get("OIDC_DISCOVERY_URL") or config.get("SAML_IDP_METADATA")):
            raise ConfigError("TRAINER_PASSWORD_SIGN_IN=false needs single sign-on "
                              "(TRAINER_OIDC_DISCOVERY_URL or TRAINER_SAML_IDP_METADATA), "
                              "or nobody but the break-glass administrators could sign in")
        return cls(enabled=enabled, break_glass_admins=admins)

    def allows(self, user: PasswordHolder) -> bool:
        """May this person sign in with (or set, or reset) a password?

        With passwords off: only an administrator whose address is on the break-glass list.
        Someone on the list who is not (or no longer) an administrator may not.
        """
        if self.enabled:
            return True
        return user.is_admin and user.email.lower() in self.break_glass_admins
