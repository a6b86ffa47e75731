"""OpenID Connect sign-in against the real npm oidc-provider: journeys and refusals."""

from __future__ import annotations

import base64
import datetime as dt
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from tests.factories import make_user
from tests.fixtures.oidc_provider import (
    CLIENT_ID,
    OTHER_CLIENT_ID,
    TRAINER_BASE,
    sign_in_at,
    start_provider,
    tokens_for,
    trainer_settings,
)
from trainer import clock
from trainer.models import AuditEvent, SsoIdentity, User


@pytest.fixture
def oidc(app, token_relay):
    """Trainer configured for the provider, through the token relay."""
    app.config.update(trainer_settings(token_relay.discovery_url))
    return token_relay


def begin(client, next_url=None):
    """Start a sign-in; the provider's authorization URL Trainer sent the browser to."""
    response = client.get("/sso/oidc/start", query_string={"next": next_url} if next_url else None)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location


def come_back(client, authorization_url, login):
    back = sign_in_at(authorization_url, login, TRAINER_BASE)
    return client.get(back.removeprefix(TRAINER_BASE))


def sign_in_with(client, login, next_url=None):
    return come_back(client, begin(client, next_url), login)


def signed_in_as(client):
    page = client.get("/")
    return page.status_code == 200 and "Sign out" in page.get_data(as_text=True)


def refusals(session):
    return [e.details["reason"] for e in session.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.failed").order_by(AuditEvent.id))]


def nonce_of(authorization_url):
    return parse_qs(urlsplit(authorization_url).query)["nonce"][0]


def test_sign_in_page_offers_the_provider(oidc, client):
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with Example ID" in page
    assert 'href="/sso/oidc/start"' in page


def test_without_settings_there_is_no_button_and_the_routes_lead_back(client):
    assert "Sign in with" not in client.get("/login").get_data(as_text=True)
    for path in ("/sso/oidc/start", "/sso/oidc/callback?code=a&state=b"):
        response = client.get(path)
        assert (response.status_code, response.location) == (302, "/login")
    assert "Single sign-on is not set up here" in client.get("/login").get_data(as_text=True)


def test_authorization_request_uses_pkce_state_and_nonce(oidc, client):
    query = parse_qs(urlsplit(begin(client)).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == [f"{TRAINER_BASE}/sso/oidc/callback"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert "openid" in query["scope"][0].split()


def test_existing_person_signs_in_by_verified_email_and_gets_claims(oidc, session, client, oidc_provider):
    ada = make_user(session, email="ada@example.com", name="A. Lovelace", department="Sales",
                    job_role="Agent")
    session.commit()
    response = sign_in_with(client, "ada")
    assert response.status_code == 302 and response.location == "/"
    assert signed_in_as(client)
    session.expire_all()
    ada = session.get(User, ada.id)
    assert (ada.name, ada.department.name, ada.job_role, ada.employee_id) == (
        "Ada Lovelace", "Engineering", "Analyst", "E-100")
    link = session.scalar(select(SsoIdentity))
    assert (link.user_id, link.issuer, link.subject, link.protocol) == (
        ada.id, oidc_provider.issuer, "ada", "oidc")
    signed_in = session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.signed_in"))
    assert (signed_in.target_id, signed_in.details) == (str(ada.id), {"method": "oidc"})


def test_stored_subject_is_matched_before_email(oidc, session, client):
    ada = make_user(session, email="ada@example.com")
    session.commit()
    assert sign_in_with(client, "ada").status_code == 302
    # The address changes in Trainer; a second person now holds nothing of Ada's.
    ada.email = "a.lovelace@example.com"
    session.commit()
    client.delete_cookie("session")
    assert sign_in_with(client, "ada").status_code == 302
    session.expire_all()
    assert session.scalar(select(User.email).where(User.id == ada.id)) == "ada@example.com"
    assert session.scalar(select(User.id).where(User.email == "ada@example.com")) == ada.id


def test_sign_in_rotates_the_session_and_sets_its_lifetime(oidc, session, client):
    make_user(session, email="ada@example.com")
    session.commit()
    authorization_url = begin(client)
    with client.session_transaction() as before:
        before["planted"] = "from before sign-in"
    come_back(client, authorization_url, "ada")
    with client.session_transaction() as after:
        assert "planted" not in after and "oidc_pending" not in after
        assert after.permanent and "last_seen" in after and after["_user_id"].endswith(":1")


def test_next_page_is_kept_and_foreign_ones_are_not(oidc, session, client):
    make_user(session, email="ada@example.com")
    session.commit()
    assert sign_in_with(client, "ada", next_url="/me/transcript").location == "/me/transcript"
    client.delete_cookie("session")
    assert sign_in_with(client, "ada", next_url="//evil.test/").location == "/"


def test_unknown_person_is_refused_when_accounts_are_not_created(oidc, session, client):
    response = sign_in_with(client, "newcomer")
    assert response.status_code == 400
    assert "There is no Trainer account for your e-mail address" in response.get_data(as_text=True)
    assert session.scalar(select(User)) is None
    assert refusals(session) == ["no_account"]
    assert not signed_in_as(client)


def test_accounts_are_created_for_allowed_domains_only(app, oidc, session, client):
    app.config.update(SSO_CREATE_ACCOUNTS=True, SSO_ALLOWED_DOMAINS="example.com")
    response = sign_in_with(client, "outsider")
    assert response.status_code == 400
    assert session.scalar(select(User)) is None
    assert refusals(session) == ["no_account"]

    assert sign_in_with(client, "newcomer").status_code == 302
    created = session.scalar(select(User))
    assert (created.email, created.name, created.department.name) == (
        "newcomer@example.com", "New Comer", "Sales")
    assert created.roles == {"employee"} and created.password_hash is None


def test_unverified_email_is_refused(oidc, session, client):
    make_user(session, email="ada@example.com")
    session.commit()
    response = sign_in_with(client, "unverified")
    assert response.status_code == 400
    assert "has not verified your e-mail address" in response.get_data(as_text=True)
    assert session.scalar(select(SsoIdentity)) is None
    assert refusals(session) == ["email_unverified"]
    assert not signed_in_as(client)


def test_inactive_person_is_refused(oidc, session, client):
    make_user(session, email="ada@example.com", active=False)
    session.commit()
    response = sign_in_with(client, "ada")
    assert response.status_code == 400 and "not active" in response.get_data(as_text=True)
    assert refusals(session) == ["inactive"]


def test_groups_grant_no_role_without_a_mapping(oidc, session, client):
    make_user(session, email="grace@example.com")
    session.commit()
    sign_in_with(client, "grace")
    assert session.scalar(select(User)).roles == {"employee"}


def test_mapped_group_grants_and_withdraws_only_the_mapped_role(app, oidc, session, client):
    app.config.update(SSO_GROUP_ROLES={"trainer-hr": "hr"})
    grace = make_user(session, email="grace@example.com")
    ada = make_user(session, email="ada@example.com", roles=("hr", "admin"))
    make_user(session, email="other-admin@example.com", roles=("admin",))
    session.commit()
    sign_in_with(client, "grace")
    client.delete_cookie("session")
    sign_in_with(client, "ada")  # not in trainer-hr: loses HR, keeps admin (not mapped)
    session.expire_all()
    assert session.get(User, grace.id).roles == {"employee", "hr"}
    assert session.get(User, ada.id).roles == {"employee", "admin"}


def test_group_mapping_never_takes_admin_from_the_last_administrator(app, oidc, session, client):
    app.config.update(SSO_GROUP_ROLES="trainer-admins=admin")
    ada = make_user(session, email="ada@example.com", roles=("admin",))
    session.commit()
    assert sign_in_with(client, "ada").status_code == 302
    session.expire_all()
    assert session.get(User, ada.id).is_admin


def test_claims_never_change_an_hr_account(oidc, session, client):
    ada = make_user(session, email="ada@example.com", name="Ada HR", department="People", roles=("hr",))
    session.commit()
    assert sign_in_with(client, "ada").status_code == 302
    session.expire_all()
    ada = session.get(User, ada.id)
    assert (ada.name, ada.department.name, ada.employee_id) == ("Ada HR", "People", None)


# Tokens wrong in exactly one way each, all minted by a real provider.

def test_wrong_audience_is_refused(oidc, session, client, oidc_provider):
    make_user(session, email="ada@example.com")
    session.commit()
    authorization_url = begin(client)
    other = tokens_for(oidc_provider, OTHER_CLIENT_ID, "ada", nonce_of(authorization_url))
    oidc.substitute = lambda _answer: other
    assert come_back(client, authorization_url, "ada").status_code == 400
    assert refusals(session) == ["wrong_audience"]
    assert not signed_in_as(client)


def test_wrong_issuer_is_refused(oidc, session, client, provider_keys, tmp_path):
    make_user(session, email="ada@example.com")
    session.commit()
    authorization_url = begin(client)
    # Another provider holding the same signing keys: the signature is good, the issuer is not.
    with start_provider(tmp_path, [f"{TRAINER_BASE}/sso/oidc/callback"], provider_keys) as impostor:
        foreign = tokens_for(impostor, CLIENT_ID, "ada", nonce_of(authorization_url))
    oidc.substitute = lambda _answer: foreign
    assert come_back(client, authorization_url, "ada").status_code == 400
    assert refusals(session) == ["wrong_issuer"]


def test_expired_token_is_refused(oidc, session, client):
    make_user(session, email="ada@example.com")
    session.commit()
    authorization_url = begin(client)
    # The provider's tokens live an hour; Trainer's clock is past that plus the allowed skew.
    clock.freeze(clock.now() + dt.timedelta(hours=1, minutes=3))
    assert come_back(client, authorization_url, "ada").status_code == 400
    assert refusals(session) == ["expired"]


def test_token_inside_the_allowed_clock_skew_is_accepted(oidc, session, client):
    make_user(session, email="ada@example.com")
    session.commit()
    authorization_url = begin(client)
    clock.freeze(clock.now() + dt.timedelta(hours=1, seconds=60))
    assert come_back(client, authorization_url, "ada").status_code == 302


def test_altered_token_fails_its_signature(oidc, session, client):
    make_user(session, email="ada@example.com")
    make_user(session, email="grace@example.com", roles=("admin",))
    session.commit()

    def forge(answer):
        header, payload, signature = answer["id_token"].split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
        claims["sub"] = "grace"
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        return {**answer, "id_token": f"{header}.{forged}.{signature}"}

    oidc.substitute = forge
    assert sign_in_with(client, "ada").status_code == 400
    assert refusals(session) == ["bad_signature"]
    assert session.scalar(select(SsoIdentity)) is None


def test_state_mismatch_is_refused_before_any_token_is_fetched(oidc, session, client):
    make_user(session, email="ada@example.com")
    session.commit()
    back = sign_in_at(begin(client), "ada", TRAINER_BASE)
    forged = back.replace("state=", "state=x")
    assert client.get(forged.removeprefix(TRAINER_BASE)).status_code == 400
    assert refusals(session) == ["state_mismatch"]
    assert oidc.answers == []


def test_callback_without_a_started_sign_in_is_refused(oidc, session, client):
    assert client.get("/sso/oidc/callback?code=abc&state=def").status_code == 400
    assert refusals(session) == ["state_mismatch"]


def test_provider_error_is_shown(oidc, session, client):
    state = parse_qs(urlsplit(begin(client)).query)["state"][0]
    response = client.get("/sso/oidc/callback", query_string={
        "state": state, "error": "access_denied", "error_description": "User cancelled"})
    assert response.status_code == 400 and "User cancelled" in response.get_data(as_text=True)
    assert refusals(session) == ["idp_error"]


def test_token_from_an_earlier_sign_in_is_refused(oidc, session, client):
    """Another sign-in's ID token (another nonce) handed to this one."""
    make_user(session, email="ada@example.com")
    session.commit()
    assert sign_in_with(client, "ada").status_code == 302
    earlier = oidc.answers[-1]
    client.delete_cookie("session")
    oidc.substitute = lambda _answer: earlier
    assert sign_in_with(client, "ada").status_code == 400
    assert refusals(session) == ["nonce_mismatch"]


def test_replayed_sign_in_is_refused_even_with_the_old_session_cookie(oidc, session, client):
    """Someone who copied the cookie and the provider's answer replays both: the nonce was
    used, and the database (shared by every worker) remembers it."""
    make_user(session, email="ada@example.com")
    session.commit()
    authorization_url = begin(client)
    old_cookie = client.get_cookie("session").value
    back = sign_in_at(authorization_url, "ada", TRAINER_BASE)
    assert client.get(back.removeprefix(TRAINER_BASE)).status_code == 302
    first_answer = oidc.answers[-1]
    client.delete_cookie("session")
    client.set_cookie("session", old_cookie)
    oidc.substitute = lambda _answer: first_answer
    assert client.get(back.removeprefix(TRAINER_BASE)).status_code == 400
    assert refusals(session) == ["replayed"]
    assert not signed_in_as(client)


def test_unreachable_provider_gives_a_page_not_a_500(app, session, client):
    app.config.update(trainer_settings("http://127.0.0.1:9/.well-known/openid-configuration"))
    response = client.get("/sso/oidc/start")
    assert response.status_code == 400
    assert "could not reach the identity provider" in response.get_data(as_text=True)
