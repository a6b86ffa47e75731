"""The staff import's address check gives email_validator's verdict, message for message,
whether an address takes the quick path (plain part before the @-sign, domain verdict
cached) or the library's own."""

from __future__ import annotations

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.people import addresses
from trainer.people.addresses import checked_address

LONG_DOMAIN = ".".join(["d" * 60] * 3) + ".example.com"  # 195 characters
# 122 bytes as typed, 212 in IDNA ASCII (each "bücher" becomes "xn--bcher-kva").
IDNA_DOMAIN = ".".join(["bücher"] * 15) + ".de"
# 166 bytes as typed (e + combining acute), 126 normalised (é), 114 in IDNA ASCII.
DECOMPOSED_DOMAIN = ".".join(["xe\u0301" * 10] * 4) + ".de"


def library(address: str) -> tuple[str, str]:
    try:
        return validate_email(address, check_deliverability=False).normalized.lower(), ""
    except EmailNotValidError as error:
        return "", str(error)


AWKWARD = [
    "ann@example.com", "Ann.Smith+hr@Example.COM", "ann@example.com.", "ann@.example.com",
    "ann..smith@example.com", ".ann@example.com", "ann.@example.com", "ann@example..com",
    "@example.com", "ann@", "ann", "", " ", "ann @example.com", "ann@ example.com",
    "ann@exa mple.com", "ann@b@example.com", "ann@@example.com", "a\"nn@example.com",
    "\"ann smith\"@example.com", "\"ann\"@example.com", "Ann <ann@example.com>",
    "<ann@example.com>", "ann@[192.0.2.1]", "ann@[IPv6:2001:db8::1]", "ann@[192.0.2.1",
    "ann@localhost", "ann@example", "ann@example.local", "ann@example.test", "ann@invalid",
    "ann@123.45", "ann@-example.com", "ann@example-.com", "ann@exam_ple.com",
    "ann@xn--bcher-kva.example", "ann@bücher.example", "ann@BÜCHER.example", "anñ@example.com",
    "ann@\uff45xample.com", "ann\uff20example.com", "ann﹫example.com", "ann@example.com\u200b",
    "e\u0301@example.com", "ann@exam\u0301ple.com", "postmaster@example.com", "POSTMASTER@example.com",
    "a" * 64 + "@example.com", "a" * 65 + "@example.com", "a" * 58 + "@" + LONG_DOMAIN,
    "a" * 59 + "@" + LONG_DOMAIN, "a" * 20 + "@" + "ü" * 40 + ".example.com",
    "a" * 45 + "@" + ".".join(["ü" * 60] * 3) + ".de", "a" * 63 + "@" + ".".join(["b" * 63] * 3) + ".de",
    "ann@" + "b" * 64 + ".com", "ann@" + "b" * 63 + ".com", "!#$%&'*+-/=?^_`{|}~@example.com",
    "ann\t@example.com", "ann@example.com\n", "ann@example.c", "ann@example.co.uk", "ANN@EXAMPLE.ORG",
    "a" * 41 + "@" + IDNA_DOMAIN, "a" * 42 + "@" + IDNA_DOMAIN, "a" * 131 + "@" + IDNA_DOMAIN,
    "a" * 87 + "@" + DECOMPOSED_DOMAIN, "a" * 88 + "@" + DECOMPOSED_DOMAIN,
    "ann@1.2.3.4", "ann@example.arpa", "ann@onion.onion", "ann@sub.example.com", "ann(comment)@example.com",
]


@pytest.mark.parametrize("address", AWKWARD)
def test_awkward_addresses_get_the_librarys_verdict_and_message(address):
    assert checked_address(address) == library(address)


def test_both_paths_agree_with_the_domain_already_cached():
    """The domain's verdict is cached on first sight: the later addresses of a domain must
    still each get their own verdict."""
    for address in [*AWKWARD, *AWKWARD[::-1]]:
        assert checked_address(address) == library(address), address


def test_a_plain_address_does_not_reach_the_library(monkeypatch):
    """The point of the module: a plain address at a known good domain skips the library."""
    checked_address.cache_clear()
    monkeypatch.setattr(addresses, "validate_email", lambda *a, **k: pytest.fail("library called"))
    assert checked_address("Zed.Q+1@Example.com") == ("zed.q+1@example.com", "")


ALPHABET = st.sampled_from([*"aZ09.+-_@\"<> []ü\u0301()", "xn--", "example", ".com", "[1.2.3.4]"])


@settings(max_examples=400, deadline=None)
@given(st.lists(ALPHABET, max_size=12).map("".join))
def test_any_address_gets_the_librarys_verdict(address):
    assert checked_address(address) == library(address)
