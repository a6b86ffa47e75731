"""The privileged-accounts rule, case by case (every import path asks it)."""

from __future__ import annotations

import dataclasses

import pytest

from trainer.people.privileged import Authority, Channel, is_privileged, refusal


@dataclasses.dataclass
class Person:
    is_hr: bool = False
    is_admin: bool = False
    is_auditor: bool = False


EMPLOYEE, HR, ADMIN, BOTH = Person(), Person(is_hr=True), Person(is_admin=True), Person(True, True)
AUDITOR = Person(is_auditor=True)


@pytest.mark.parametrize("account", [EMPLOYEE, HR, ADMIN, BOTH, AUDITOR])
@pytest.mark.parametrize("channel", list(Channel))
@pytest.mark.parametrize("acting", [None, EMPLOYEE, HR, ADMIN])
def test_who_may_change_which_account(channel, acting, account):
    # Written out by hand, not derived from the rule: (channel, acting, account) -> allowed.
    privileged = account is not EMPLOYEE
    if not privileged:
        allowed = True
    elif channel is Channel.SCIM:
        allowed = False
    else:
        allowed = acting is ADMIN or acting is BOTH
    assert (refusal(Authority.of(channel, acting), account) is None) is allowed


def test_hr_acting_on_an_admin_is_refused_with_a_reason_naming_the_path():
    reason = refusal(Authority.of(Channel.API_SYNC, HR), ADMIN)
    assert reason is not None
    assert "only an administrator" in reason and "API sync" in reason


def test_scim_is_refused_even_with_an_admin_owned_token():
    assert refusal(Authority.of(Channel.SCIM, ADMIN), HR) is not None


def test_the_operator_of_the_cli_import_acts_as_an_administrator():
    assert refusal(Authority.operator(), ADMIN) is None
    assert Authority.operator().channel is Channel.IMPORT


def test_privileged_means_hr_admin_or_auditor():
    people = (EMPLOYEE, HR, ADMIN, BOTH, AUDITOR)
    assert [is_privileged(p) for p in people] == [False, True, True, True, True]
