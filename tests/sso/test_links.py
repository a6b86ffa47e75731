"""Administrators see a person's linked identity-provider accounts and can unlink one."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import make_user
from trainer.identity.claims import VerifiedIdentity
from trainer.identity.matching import sign_in
from trainer.identity.settings import MatchingSettings
from trainer.models import AuditEvent, SsoIdentity


def link(session, user, subject):
    sign_in(session, VerifiedIdentity(protocol="oidc", issuer="https://idp.test", subject=subject,
                                      email=user.email, email_verified=True), MatchingSettings(), None)
    session.commit()


def test_admin_unlinks_and_the_next_sign_in_links_again(session, client, auth):
    make_user(session, email="root@example.com", roles=("admin",))
    ada = make_user(session, email="ada@example.com")
    link(session, ada, "old-subject")
    auth.login("root@example.com")
    page = client.get(f"/admin/users/{ada.id}").get_data(as_text=True)
    assert "https://idp.test" in page and "Unlink" in page
    identity_id = session.scalar(select(SsoIdentity.id))
    response = client.post(f"/admin/users/{ada.id}/sso/{identity_id}/unlink",
                           data={"csrf_token": csrf_token(client, f"/admin/users/{ada.id}")})
    assert response.status_code == 302
    assert session.scalar(select(SsoIdentity)) is None
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.sso_unlinked"))
    assert event.details == {"protocol": "oidc", "identity_provider": "https://idp.test"}
    link(session, ada, "new-subject")  # no longer refused as a subject conflict
    assert session.scalar(select(SsoIdentity.subject)) == "new-subject"


def test_a_link_of_someone_else_is_not_touched(session, client, auth):
    make_user(session, email="root@example.com", roles=("admin",))
    ada = make_user(session, email="ada@example.com")
    grace = make_user(session, email="grace@example.com")
    link(session, grace, "grace-1")
    auth.login("root@example.com")
    identity_id = session.scalar(select(SsoIdentity.id))
    response = client.post(f"/admin/users/{ada.id}/sso/{identity_id}/unlink",
                           data={"csrf_token": csrf_token(client, f"/admin/users/{ada.id}")})
    assert response.status_code == 404
    assert session.scalar(select(SsoIdentity.user_id)) == grace.id
