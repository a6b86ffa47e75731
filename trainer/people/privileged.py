"""Who may change privileged accounts: the one rule every automated path asks.

HR users and administrators hold rights over everyone's training records, and auditors may
read all of them. An account with any of these rights is never created, changed,
deactivated or reactivated by an HR staff import, an API sync token, SCIM provisioning or
the claims of a single sign-on unless the person on whose authority the change is made is
an administrator; SCIM never touches such accounts at all, because an identity provider is
not trusted with Trainer's roles. Every such path asks
`refusal()` for each account it would write, and reports refused rows with the reason
instead of applying them.

The rule does not cover an administrator editing a person on the admin pages: that is the
administrator acting, with their own guards (people/account_changes.py).
"""

from __future__ import annotations

import dataclasses
import enum
from typing import Protocol


class Channel(enum.StrEnum):
    """The automated paths that create and change accounts in bulk."""

    IMPORT = "staff import"
    API_SYNC = "API sync"
    SCIM = "SCIM"
    # Profile claims at sign-in through an identity provider (trainer/identity/matching.py).
    # Roles never come this way: only an operator's explicit group→role mapping grants them.
    SSO = "single sign-on"


class HasRoles(Protocol):
    @property
    def is_hr(self) -> bool: ...

    @property
    def is_admin(self) -> bool: ...


class HasAccountRoles(HasRoles, Protocol):
    """An account as the rule sees it: an auditor's read access is a right too. (Whoever
    acts only needs HasRoles: an auditor never acts, they only read.)"""

    @property
    def is_auditor(self) -> bool: ...


@dataclasses.dataclass(frozen=True)
class Authority:
    """On whose authority a bulk change is made, and through which path."""

    channel: Channel
    acting_is_admin: bool

    @classmethod
    def of(cls, channel: Channel, acting: HasRoles | None) -> Authority:
        """The person acting (the HR or admin user of a page, a token's owner); None is
        nobody, which is never an administrator."""
        return cls(channel, acting_is_admin=bool(acting is not None and acting.is_admin))

    @classmethod
    def operator(cls) -> Authority:
        """The server's operator running `trainer users import`: shell access to the server
        already grants everything an administrator can do."""
        return cls(Channel.IMPORT, acting_is_admin=True)


def is_privileged(account: HasAccountRoles) -> bool:
    """An auditor counts whether or not their last day has passed: an import that could
    change a lapsed auditor's address could have the account extended by mistake and taken over."""
    return bool(account.is_hr or account.is_admin or account.is_auditor)


def refusal(authority: Authority, account: HasAccountRoles) -> str | None:
    """Why `authority` may not create, change, deactivate or reactivate `account`, or None
    when it may. Pass the account as it is now (for a new person: the roles it would get)."""
    if not is_privileged(account):
        return None
    if authority.channel is Channel.SCIM:
        return ("has HR, administrator or auditor rights; SCIM never changes such accounts "
                "(change them in Trainer)")
    if authority.acting_is_admin:
        return None
    return (f"has HR, administrator or auditor rights; only an administrator may change such an account "
            f"by {authority.channel}")
