"""Checking an e-mail address as email_validator does, without its per-call cost.

A staff file of 50,000 people names one or two domains 50,000 times, and email_validator
checks the domain again for every address (IDNA, per-character Unicode tests: ~60% of its
~33 µs per address). `checked_address` gives exactly the library's verdict: an address
whose part before the @-sign is a plain ASCII dot-atom (the library's own `DOT_ATOM_TEXT`)
and whose domain the library accepts gets the library's normalised form straight away,
with the domain's verdict cached; every other address — empty, quoted, with a display
name, non-ASCII before the @-sign, a bracketed IP, too long, a bad domain — goes through
`validate_email` itself, so rejections and their messages are the library's.
tests/people/test_addresses.py compares both paths on awkward addresses.
"""

from __future__ import annotations

import functools

import email_validator
from email_validator import EmailNotValidError, validate_email
from email_validator.rfc_constants import DOT_ATOM_TEXT, EMAIL_MAX_LENGTH
from email_validator.syntax import validate_email_domain_name


@functools.lru_cache(maxsize=8192)
def checked_address(address: str) -> tuple[str, str]:
    """(normalised address in lower case, "") or ("", why it is not one), deliverability
    unchecked. Cached: a staff file names each manager on every report's row."""
    local, at, domain = address.partition("@")
    # partition splits at the first @-sign, as the library does when nothing is quoted.
    if at and DOT_ATOM_TEXT.match(local):
        known = _domain(domain)
        if known is not None and _fits(local, domain, *known):
            return f"{local}@{known[0]}".lower(), ""
    try:
        return validate_email(address, check_deliverability=False).normalized.lower(), ""
    except EmailNotValidError as error:
        return "", str(error)


@functools.lru_cache(maxsize=1024)
def _domain(domain: str) -> tuple[str, str] | None:
    """(normalised domain, its IDNA ASCII form) if the library accepts `domain` after an
    @-sign, else None (the full check then names the problem, or takes a bracketed IP
    address, which no domain name accepts, down the library's other path)."""
    try:
        info = validate_email_domain_name(domain, test_environment=email_validator.TEST_ENVIRONMENT,
                                          globally_deliverable=email_validator.GLOBALLY_DELIVERABLE)
    except EmailNotValidError:
        return None
    return info["domain"], info["ascii_domain"]


def _fits(local: str, domain: str, normalised: str, ascii_domain: str) -> bool:
    """The library's length rule: as typed, normalised and in IDNA ASCII, at most 254 bytes."""
    return all(len(f"{local}@{part}".encode()) <= EMAIL_MAX_LENGTH
               for part in (domain, normalised, ascii_domain))
