"""Password sign-in turned off for everyone but the break-glass administrators (issue 13.3)."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user
from tests.sso.test_oidc import sign_in_with, signed_in_as
from tests.test_password_reset import ask_for_link, link_in, use_smtp
from trainer import ConfigError
from trainer.identity.policy import TURNED_OFF as TURNED_OFF_TEXT
from trainer.identity.policy import PasswordPolicy
from trainer.models import AuditEvent, PasswordResetToken

TURNED_OFF = str(escape(TURNED_OFF_TEXT))  # as the page shows it
SSO = {"OIDC_DISCOVERY_URL": "https://idp.example.com/.well-known/openid-configuration",
       "OIDC_CLIENT_ID": "trainer", "OIDC_CLIENT_SECRET": "secret", "OIDC_NAME": "Example ID"}
OFF = {**SSO, "PASSWORD_SIGN_IN": False, "BREAK_GLASS_ADMINS": "Root@Example.com, spare@example.com"}


class Person:
    def __init__(self, email, is_admin):
        self.email, self.is_admin = email, is_admin


@pytest.mark.parametrize(("config", "person", "allowed"), [
    ({}, Person("anyone@example.com", False), True),
    (OFF, Person("root@example.com", True), True),
    (OFF, Person("ROOT@example.com", True), True),
    (OFF, Person("root@example.com", False), False),  # on the list, no longer an admin
    (OFF, Person("other-admin@example.com", True), False),  # an admin, not on the list
    (OFF, Person("anyone@example.com", False), False),
    ({**OFF, "BREAK_GLASS_ADMINS": '["root@example.com"]'}, Person("root@example.com", True), True),
    ({**SSO, "PASSWORD_SIGN_IN": "false"}, Person("root@example.com", True), False),
])
def test_who_may_use_a_password(config, person, allowed):
    assert PasswordPolicy.from_config(config).allows(person) is allowed


@pytest.mark.parametrize(("config", "message"), [
    ({"PASSWORD_SIGN_IN": False}, "TRAINER_PASSWORD_SIGN_IN=false needs single sign-on"),
    ({**SSO, "PASSWORD_SIGN_IN": "sometimes"}, "TRAINER_PASSWORD_SIGN_IN must be true or false"),
    ({**OFF, "BREAK_GLASS_ADMINS": "root"}, "TRAINER_BREAK_GLASS_ADMINS must list e-mail addresses"),
])
def test_unusable_policy_settings_are_refused(config, message):
    with pytest.raises(ConfigError, match=message):
        PasswordPolicy.from_config(config)


@pytest.fixture
def passwords_off(app):
    app.config.update(OFF)


def failed_reasons(session):
    return [e.details["reason"] for e in session.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.failed"))]


def test_sign_in_page_puts_sso_first_and_hides_passwords_for_administrators(passwords_off, client):
    page = client.get("/login").get_data(as_text=True)
    assert page.index("Sign in with Example ID") < page.index("<details")
    assert "Administrators: sign in with a password" in page


def test_staff_cannot_sign_in_with_a_correct_password(passwords_off, session, client, auth):
    make_user(session, email="ada@example.com")
    session.commit()
    response = auth.login("ada@example.com")
    assert response.status_code == 200 and TURNED_OFF in response.get_data(as_text=True)
    assert not signed_in_as(client)
    assert failed_reasons(session) == ["password_sign_in_off"]


def test_break_glass_administrator_signs_in(passwords_off, session, client, auth):
    make_user(session, email="root@example.com", roles=("admin",))
    session.commit()
    assert auth.login("root@example.com").status_code == 302
    assert signed_in_as(client)


def test_failures_read_alike_so_the_list_stays_secret(passwords_off, session, auth):
    make_user(session, email="root@example.com", roles=("admin",))
    make_user(session, email="ada@example.com")
    session.commit()
    tries = [("root@example.com", "wrong password!"), ("ada@example.com", PASSWORD),
             ("nobody@example.com", PASSWORD)]
    pages = [auth.login(email, password).get_data(as_text=True).replace(email, "(typed)")
             for email, password in tries]
    assert all(TURNED_OFF in page for page in pages)
    assert len({page.replace(csrf_token_of(page), "") for page in pages}) == 1


def csrf_token_of(page):
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


def test_reset_links_go_only_to_break_glass_administrators(app, passwords_off, session, client,
                                                             smtp_server):
    use_smtp(app, smtp_server)
    make_user(session, email="ada@example.com")
    make_user(session, email="root@example.com", roles=("admin",))
    session.commit()
    page = client.get("/password/forgot").get_data(as_text=True)
    assert "Password sign-in is turned off here" in page
    ask_for_link(client, "ada@example.com")
    assert smtp_server.messages == [] and session.scalar(select(PasswordResetToken)) is None
    ask_for_link(client, "root@example.com")
    assert len(smtp_server.messages) == 1


def test_a_link_sent_before_passwords_were_turned_off_stops_working(app, session, client, smtp_server):
    use_smtp(app, smtp_server)
    make_user(session, email="ada@example.com")
    session.commit()
    ask_for_link(client, "ada@example.com")
    path = link_in(smtp_server.messages[0].message)
    app.config.update(OFF)
    response = client.get(path)
    assert response.status_code == 410 and TURNED_OFF in response.get_data(as_text=True)
    token = csrf_token(client, "/password/forgot")
    posted = client.post(path, data={"csrf_token": token, "password": "a new long passphrase 9",
                                     "confirm": "a new long passphrase 9"})
    assert posted.status_code == 410


def test_changing_ones_password_is_off_too(app, session, client, auth):
    make_user(session, email="ada@example.com")
    session.commit()
    auth.login("ada@example.com")
    app.config.update(OFF)
    response = client.get("/me/password")
    assert (response.status_code, response.location) == (302, "/")


def test_admins_cannot_send_reset_links_to_sso_only_staff(app, session, client, auth):
    make_user(session, email="root@example.com", roles=("admin",))
    ada = make_user(session, email="ada@example.com")
    session.commit()
    app.config.update(OFF)
    auth.login("root@example.com")
    token = csrf_token(client, f"/admin/users/{ada.id}")
    client.post(f"/admin/users/{ada.id}/password-reset", data={"csrf_token": token})
    assert session.scalar(select(PasswordResetToken)) is None
    assert "Password sign-in is turned off for this person" in client.get(f"/admin/users/{ada.id}").get_data(
        as_text=True)


def test_single_sign_on_still_works_with_passwords_off(app, session, client, token_relay):
    from tests.fixtures.oidc_provider import trainer_settings

    app.config.update(trainer_settings(token_relay.discovery_url), PASSWORD_SIGN_IN=False)
    make_user(session, email="ada@example.com")
    session.commit()
    assert sign_in_with(client, "ada").status_code == 302
    assert signed_in_as(client)
