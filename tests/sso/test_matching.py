"""Matching verified identities to people, without a provider: the rules at their edges."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import make_user
from trainer import clock
from trainer.audit import Actor
from trainer.identity.claims import SignInRefused, VerifiedIdentity, identity_from_claims
from trainer.identity.matching import sign_in
from trainer.identity.settings import MatchingSettings
from trainer.models import SsoIdentity, User
from trainer.people.retention import pseudonymise
from trainer.people.subject_access import subject_access_export

NAMES = {"email": "mail", "email_verified": "verified", "name": "cn", "groups": "memberOf",
         "employee_id": "id"}


def identity(subject="s-1", **fields):
    return VerifiedIdentity(protocol="saml", issuer="https://idp.test", subject=subject, **fields)


def test_claims_are_picked_by_their_mapped_names_and_single_values_unwrapped():
    found = identity_from_claims("saml", "iss", "sub", {
        "mail": ["Ada@Example.com"], "verified": ["true"], "cn": ["  Ada   Lovelace "],
        "memberOf": ["a", "b"], "id": ["E1", "E2"]}, NAMES, email_verified_default=False)
    assert (found.email, found.email_verified, found.name, found.groups, found.employee_id) == (
        "ada@example.com", True, "Ada Lovelace", ("a", "b"), None)  # two ids: which one? neither


@pytest.mark.parametrize(("claim", "default", "verified"), [
    (None, True, True), (None, False, False), (False, True, False), ("false", True, False),
    (True, False, True), ("TRUE", False, True)])
def test_email_verified_follows_the_claim_else_the_default(claim, default, verified):
    claims = {"mail": "a@example.com"} | ({} if claim is None else {"verified": claim})
    found = identity_from_claims("oidc", "i", "s", claims, NAMES, email_verified_default=default)
    assert found.email_verified is verified


def test_a_reused_address_linked_to_another_subject_is_refused(session):
    ada = make_user(session, email="ada@example.com")
    session.add(SsoIdentity(user_id=ada.id, protocol="saml", issuer="https://idp.test", subject="old"))
    session.commit()
    with pytest.raises(SignInRefused) as refused:
        sign_in(session, identity("new", email="ada@example.com", email_verified=True),
                MatchingSettings(), None)
    assert refused.value.reason == "subject_conflict"


def test_domain_check_is_exact(session):
    settings = MatchingSettings(create_accounts=True, allowed_domains=("example.com",))
    for email in ("x@sub.example.com", "x@example.com.evil.test", "x@notexample.com"):
        with pytest.raises(SignInRefused):
            sign_in(session, identity(email, email=email, email_verified=True), settings, None)
    assert session.scalar(select(User)) is None
    made = sign_in(session, identity("ok", email="x@example.com", email_verified=True), settings, None)
    assert made.created and made.user.email == "x@example.com"


def test_a_claimed_employee_id_held_by_someone_else_is_not_taken(session):
    make_user(session, email="other@example.com").employee_id = "E-1"
    ada = make_user(session, email="ada@example.com")
    session.commit()
    sign_in(session, identity(email="ada@example.com", email_verified=True, employee_id="E-1"),
            MatchingSettings(), None)
    assert ada.employee_id is None


def test_pseudonymising_a_leaver_forgets_their_provider_subject(session):
    ada = make_user(session, email="ada@example.com")
    sign_in(session, identity(email="ada@example.com", email_verified=True), MatchingSettings(), None)
    pseudonymise(session, Actor.cli(), ada)
    assert session.scalar(select(SsoIdentity)) is None


def test_my_data_export_lists_the_linked_provider_accounts(session):
    ada = make_user(session, email="ada@example.com")
    sign_in(session, identity("s-42", email="ada@example.com", email_verified=True), MatchingSettings(), None)
    [linked] = subject_access_export(session, ada, clock.now())["single_sign_on"]
    assert (linked["protocol"], linked["identity_provider"], linked["subject"]) == (
        "saml", "https://idp.test", "s-42")
    assert linked["last_sign_in_at"] is not None
