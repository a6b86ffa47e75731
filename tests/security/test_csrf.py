"""Every POST endpoint refuses a request without a valid CSRF token and changes nothing."""

from __future__ import annotations

import pytest

from tests.security.conftest import fingerprint
from tests.security.world import URLS

# Written by hand, with the reason: a POST endpoint without CSRF protection is a decision.
CSRF_EXEMPT = {
    # The identity provider posts the SAML response cross-site; the signed assertion, bound to
    # the request this browser started (its own signed cookie), is the protection.
    "sso.saml_acs",
}


def post_endpoints(app):
    return sorted({r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods
                   and r.endpoint in URLS and not r.endpoint.startswith(("api.", "scim."))} - CSRF_EXEMPT)


def test_only_the_named_endpoints_skip_csrf(app):
    from trainer.extensions import csrf

    exempt = {endpoint for endpoint, view in app.view_functions.items()
              if f"{view.__module__}.{view.__name__}" in csrf._exempt_views}
    assert exempt == CSRF_EXEMPT


@pytest.mark.parametrize("token", [None, "forged-token"])
def test_posts_without_a_valid_token_are_refused(app, world, client, auth, token):
    auth.login(world.admin.email)
    targets = post_endpoints(app)
    assert len(targets) >= 10
    before = fingerprint()
    for endpoint in targets:
        data = {"csrf_token": token} if token else {}
        response = client.post(URLS[endpoint](world), data=data)
        assert response.status_code == 400, endpoint
        assert "expired or was sent from elsewhere" in response.get_data(as_text=True), endpoint
    assert fingerprint() == before
