"""In a real browser: sign in through the organisation's OpenID Provider (npm oidc-provider)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.factories import make_user
from tests.fixtures.oidc_provider import start_provider, trainer_settings

pytestmark = pytest.mark.browser


def test_employee_signs_in_with_the_identity_provider(app, session, live_server, page: Page,
                                                       provider_keys, tmp_path):
    make_user(session, email="ada@example.com", name="Ada L.", password=None)
    session.commit()
    with start_provider(tmp_path, [f"{live_server}/sso/oidc/callback"], provider_keys) as provider:
        app.config.update(trainer_settings(provider.discovery_url, BASE_URL=live_server))
        page.goto(live_server + "/courses/anything")
        page.get_by_role("link", name="Sign in with Example ID").click()
        # The provider's own sign-in form, on its own origin.
        expect(page).to_have_url(f"{provider.issuer}/interaction/" + page.url.rsplit("/", 1)[-1])
        page.locator("input[name=login]").fill("ada")
        page.locator("input[name=password]").fill("anything")
        page.get_by_role("button", name="Sign-in").click()
        expect(page).to_have_url(live_server + "/courses/anything")
        page.goto(live_server + "/")
        expect(page.get_by_role("heading", name="My training")).to_be_visible()
        expect(page.get_by_text("Ada Lovelace")).to_be_visible()
