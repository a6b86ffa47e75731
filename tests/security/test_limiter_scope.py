"""Where the rate limiter runs: in the views it protects, and before every request only when
a limit is set for every request (trainer/extensions.Limiter)."""

from __future__ import annotations

import pytest
from flask_limiter import Limiter as FlaskLimiter

from tests.factories import make_user
from trainer.extensions import limiter


@pytest.fixture
def middleware_checks(monkeypatch):
    """Calls of Flask-Limiter's own check, by whether they came from its before-request hook."""
    calls: list[bool] = []
    original = FlaskLimiter._check_request_limit

    def spy(self, callable_name=None, in_middleware=True):  # type: ignore[no-untyped-def]
        calls.append(in_middleware)
        return original(self, callable_name=callable_name, in_middleware=in_middleware)

    monkeypatch.setattr(FlaskLimiter, "_check_request_limit", spy)
    return calls


def test_pages_skip_the_check_that_would_find_no_limit(app, session, client, auth, middleware_checks):
    make_user(session, email="ada@example.com")
    session.commit()
    assert not limiter.limits_every_request()
    auth.login("ada@example.com")
    for path in ("/", "/me/transcript", "/healthz"):
        assert client.get(path).status_code == 200
    assert True not in middleware_checks  # only the sign-in view's own limits were checked
    assert False in middleware_checks


def test_a_limit_for_every_request_is_still_counted_on_every_page(make_app, middleware_checks):
    app = make_app(RATELIMIT_DEFAULT="2 per minute")
    try:
        assert limiter.limits_every_request()
        client = app.test_client()
        assert [client.get("/login").status_code for _ in range(3)] == [200, 200, 429]
        assert True in middleware_checks
    finally:
        # The limiter is one object for every app: the other tests' apps have no defaults.
        limiter.limit_manager.set_default_limits([])
        limiter.reset()
