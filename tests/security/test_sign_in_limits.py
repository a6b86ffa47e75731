"""Sign-in limits: per account and client network (a stranger cannot lock the owner out),
an account-wide ceiling, IPv6 counted per /64, and production refusing per-process storage
when several workers serve."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token
from tests.factories import make_user
from trainer import ConfigError, create_app

WRONG = "a wrong password guess"


def sign_in(client, address: str, password: str = WRONG, email: str = "ada@example.com") -> int:
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                           environ_base={"REMOTE_ADDR": address})
    return response.status_code


@pytest.fixture
def ada(session):
    user = make_user(session, email="ada@example.com")
    session.commit()
    return user


def test_a_stranger_elsewhere_cannot_lock_the_owner_out(app, ada, client, auth):
    from tests.factories import PASSWORD

    for _ in range(5):
        assert sign_in(client, "203.0.113.9") == 200
    assert sign_in(client, "203.0.113.9") == 429  # the stranger's network is refused
    assert sign_in(client, "198.51.100.7", PASSWORD) == 302  # the owner, from their office


def test_the_account_wide_ceiling_counts_every_network(app, ada, client):
    app.config["LOGIN_LIMIT_PER_ACCOUNT_TOTAL"] = "8 per 10 minutes"
    for n in range(8):
        assert sign_in(client, f"203.0.113.{n}") == 200
    assert sign_in(client, "198.51.100.7") == 429


def test_ipv6_addresses_in_one_slash_64_count_as_one_network(app, ada, client):
    for n in range(1, 6):
        assert sign_in(client, f"2001:db8:1:2::{n:x}") == 200
    assert sign_in(client, "2001:db8:1:2:ffff:ffff:ffff:ffff") == 429  # same /64, new address
    assert sign_in(client, "2001:db8:1:3::1") == 200  # the next /64 is another network


def test_the_per_ip_limit_also_counts_a_slash_64(app, session, client):
    app.config["LOGIN_LIMIT_PER_IP"] = "3 per 10 minutes"
    for n in range(3):
        assert sign_in(client, f"2001:db8::{n + 1}", email=f"someone{n}@example.com") == 200
    assert sign_in(client, "2001:db8::abcd", email="another@example.com") == 429


def test_production_refuses_memory_storage_with_several_workers(tmp_path):
    base = {"ENV": "production", "SECRET_KEY": "s" * 40, "AUDIT_KEY": "a" * 40,
            "INSTANCE_PATH": str(tmp_path), "WORKERS": 2, "BASE_URL": "https://training.example.com"}
    with pytest.raises(ConfigError, match="TRAINER_RATELIMIT_STORAGE_URI is memory://") as refused:
        create_app(base)
    assert "TRAINER_WORKERS=2" in str(refused.value) and "\n" not in str(refused.value)
    assert create_app({**base, "WORKERS": 1}).config["RATELIMIT_STORAGE_URI"] == "memory://"
    shared = create_app({**base, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15"})
    assert shared.config["RATELIMIT_STORAGE_URI"].startswith("redis://")
