"""/me/password: a wrong current password is audited and limited like a sign-in, and any
password change or reset voids every reset link still out."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user
from trainer.audit import Actor
from trainer.models import AuditEvent, PasswordResetToken
from trainer.people.accounts import set_password
from trainer.people.password_reset import request_reset, reset_password

NEW = "a completely new passphrase 7"


def change(client, current: str, new: str = NEW):
    return client.post("/me/password", data={"csrf_token": csrf_token(client, "/me/password"),
                                             "current": current, "password": new, "confirm": new})


def test_a_wrong_current_password_is_audited(session, auth, client):
    ada = make_user(session, email="ada@example.com")
    session.commit()
    auth.login("ada@example.com")
    response = change(client, "not my password at all")
    assert response.status_code == 200
    assert "That is not your current password." in response.get_data(as_text=True)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "auth.failed"))
    assert event is not None
    assert (event.target_id, event.actor_id, event.details["reason"]) == (
        str(ada.id), ada.id, "current_password")


def test_guessing_the_current_password_is_limited_like_sign_in(app, session, auth, client):
    make_user(session, email="ada@example.com")
    session.commit()
    auth.login("ada@example.com")
    allowed = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    for _ in range(allowed):
        assert change(client, "a wrong guess at it").status_code == 200
    refused = change(client, PASSWORD)  # even the right one, once the limit is reached
    assert refused.status_code == 429
    lockouts = session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.lockout")).all()
    assert [event.details["scope"] for event in lockouts] == ["password-change"]
    change(client, PASSWORD)
    assert len(session.scalars(select(AuditEvent).where(AuditEvent.action == "auth.lockout")).all()) == 1


def test_successful_changes_do_not_count_against_the_limit(app, session, auth, client):
    make_user(session, email="ada@example.com")
    session.commit()
    auth.login("ada@example.com")
    allowed = int(app.config["LOGIN_LIMIT_PER_ACCOUNT"].split()[0])
    for _ in range(allowed - 1):
        change(client, "a wrong guess at it")
    assert change(client, PASSWORD).status_code == 302
    assert change(client, NEW, "yet another new passphrase 8").status_code == 302


def test_changing_the_password_voids_outstanding_reset_links(session, auth, client):
    make_user(session, email="ada@example.com")
    session.commit()
    reset = request_reset(session, Actor.anonymous(), "ada@example.com")
    session.commit()
    assert reset is not None
    auth.login("ada@example.com")
    assert change(client, PASSWORD).status_code == 302
    auth.logout()
    page = client.get(f"/password/reset/{reset.token}")
    assert page.status_code == 410
    assert all(row.used_at is not None for row in session.scalars(select(PasswordResetToken)))


def test_any_password_change_voids_reset_links(session):
    ada = make_user(session, email="ada@example.com")
    session.commit()
    reset = request_reset(session, Actor.anonymous(), "ada@example.com")
    session.commit()
    assert reset is not None
    set_password(session, Actor.cli(), ada, NEW)  # an admin or the CLI sets it
    session.commit()
    assert session.scalar(select(PasswordResetToken.used_at)) is not None


def test_a_reset_voids_every_other_link_of_the_account(session):
    make_user(session, email="ada@example.com")
    session.commit()
    first = request_reset(session, Actor.anonymous(), "ada@example.com")
    assert first is not None
    # A second link made by hand beside the first (request_reset voids older ones itself).
    from trainer import clock
    from trainer.people.password_reset import VALID_FOR
    from trainer.security import hash_token

    now = clock.now()
    session.add(PasswordResetToken(user_id=first.user_id, token_hash=hash_token("second-link-token"),
                                   created_at=now, expires_at=now + VALID_FOR))
    session.commit()
    reset_password(session, Actor.anonymous(), first.token, NEW)
    session.commit()
    assert session.scalars(select(PasswordResetToken).where(PasswordResetToken.used_at.is_(None))).all() == []
