"""Every POST endpoint refuses a request without a valid CSRF token and changes nothing."""

from __future__ import annotations

import pytest

from tests.security.conftest import fingerprint
from tests.security.world import URLS


def post_endpoints(app):
    return sorted({r.endpoint for r in app.url_map.iter_rules() if "POST" in r.methods
                   and r.endpoint in URLS and not r.endpoint.startswith("api.")})


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
