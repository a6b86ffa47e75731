"""TRAINER_BASE_URL: links point at the address actually served (issue 19.1).

`make run` runs `trainer run --host $(HOST) --port $(PORT)`; with TRAINER_BASE_URL unset,
certificates, calendar feeds and e-mails must then point at that port, not at :5000.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests
from pypdf import PdfReader
from sqlalchemy import select

from tests.compliance.helpers import require, sync
from tests.employee.test_certificates_and_transcript import COMPLETED, certified
from tests.factories import PASSWORD, make_course, make_user
from tests.fixtures.smtp import free_port
from trainer import ConfigError, create_app
from trainer.audit import Actor
from trainer.config import served_address
from trainer.models import Certificate
from trainer.people.calendar_feed import enable_feed

PRODUCTION = {"ENV": "production", "SECRET_KEY": "x" * 40, "AUDIT_KEY": "a" * 40, "WORKERS": 1}


def test_production_requires_the_base_url(tmp_path):
    needed = "TRAINER_BASE_URL must be set when TRAINER_ENV=production"
    with pytest.raises(ConfigError, match=needed) as refused:
        create_app({**PRODUCTION, "INSTANCE_PATH": str(tmp_path)})
    assert "\n" not in str(refused.value)
    app = create_app({**PRODUCTION, "INSTANCE_PATH": str(tmp_path), "BASE_URL": "https://training.example.com/"})
    assert app.config["BASE_URL"] == "https://training.example.com"  # no trailing slash to double


def test_development_falls_back_to_flasks_default_address(tmp_path, monkeypatch):
    monkeypatch.delenv("TRAINER_BASE_URL", raising=False)
    assert create_app({"INSTANCE_PATH": str(tmp_path)}).config["BASE_URL"] == "http://127.0.0.1:5000"


@pytest.mark.parametrize("value", [
    "training.example.com", "ftp://training.example.com", "http://", "https://:443",
    "http://training.example.com:99999", "http://training.example.com:port",
    "https://training.example.com/?next=1", "https://training.example.com/#top",
    "https://user@training.example.com", "https://training example.com",
])
def test_an_unusable_base_url_is_refused_in_one_line(tmp_path, value):
    with pytest.raises(ConfigError, match="TRAINER_BASE_URL must be an address like") as refused:
        create_app({"INSTANCE_PATH": str(tmp_path), "BASE_URL": value})
    assert "\n" not in str(refused.value)


def test_a_path_prefix_is_kept(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "BASE_URL": "https://intranet.example.com:8443/training/"})
    assert app.config["BASE_URL"] == "https://intranet.example.com:8443/training"


@pytest.mark.parametrize(("host", "port", "address"), [
    ("127.0.0.1", 5101, "http://127.0.0.1:5101"),
    ("localhost", 8000, "http://localhost:8000"),
    ("0.0.0.0", 5101, "http://127.0.0.1:5101"),  # noqa: S104 -- every interface: this machine reaches it on loopback
    ("::", 5101, "http://[::1]:5101"),
    ("::1", 5000, "http://[::1]:5000"),
])
def test_the_served_address(host, port, address):
    assert served_address(host, port) == address


def _open_training_in_the_feed(session, user) -> str:
    """A course still to do (the feed lists open training), and the feed turned on."""
    require(session, make_course(session, slug="phishing", title="Phishing"), user_ids=[user.id])
    sync(session, COMPLETED)
    token = enable_feed(session, Actor.system(), user)
    session.commit()
    return token


TRAINER = os.path.join(os.path.dirname(sys.executable), "trainer")


def _environment(app_config, tmp_path, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRAINER_", "FLASK_"))}
    return {**env, "TRAINER_DATABASE_URL": app_config["DATABASE_URL"], "TRAINER_INSTANCE_PATH": str(tmp_path),
            "TRAINER_SECRET_KEY": "s" * 48, "HOME": str(tmp_path), **extra}


@contextmanager
def _serving(command: list[str], env: dict[str, str], port: int, output: list[str]) -> Iterator[str]:
    """Start `trainer <command>`, yield its address once it answers; its output lands in `output`."""
    process = subprocess.Popen([TRAINER, *command], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    address = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{address}/healthz", process)
        yield address
    finally:
        process.terminate()
        output.append(process.communicate(timeout=30)[0])


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[0]
        try:
            requests.get(url, timeout=5)
            return
        except (requests.ConnectionError, requests.Timeout):  # gunicorn may still be loading the app
            time.sleep(0.2)
    raise AssertionError(f"nothing answered at {url}")


def _feed(address: str, token: str) -> str:
    return requests.get(f"{address}/calendar/{token}.ics", timeout=10).text.replace("\r\n ", "")  # unfolded


def _csrf(browser: requests.Session, url: str) -> str:
    page = browser.get(url, timeout=10).text
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def _sign_in(browser: requests.Session, base: str, email: str) -> None:
    answer = browser.post(f"{base}/login", data={"email": email, "password": PASSWORD,
                                                 "csrf_token": _csrf(browser, f"{base}/login")},
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text


def test_trainer_run_points_certificates_feeds_and_emails_at_its_own_port(session, app_config, tmp_path,
                                                                         smtp_server):
    user, _done = certified(session, email="ada@shop.example", name="Ada Lovelace")
    feed_token = _open_training_in_the_feed(session, user)
    code, certificate_id = session.execute(select(Certificate.code, Certificate.id)).one()
    port = free_port()
    env = _environment(app_config, tmp_path, TRAINER_SMTP_HOST=smtp_server.host,
                       TRAINER_SMTP_PORT=str(smtp_server.port))
    output: list[str] = []
    # As the Makefile's run target: `trainer run --host $(HOST) --port $(PORT)`.
    with _serving(["run", "--host", "127.0.0.1", "--port", str(port)], env, port, output) as base:
        browser = requests.Session()
        _sign_in(browser, base, "ada@shop.example")
        pdf = browser.get(f"{base}/me/certificates/{certificate_id}.pdf", timeout=10)
        [annotation] = [a.get_object() for a in PdfReader(io.BytesIO(pdf.content)).pages[0]["/Annots"]]
        assert annotation["/A"]["/URI"] == f"{base}/verify/{code}"

        feed = _feed(base, feed_token)
        assert f"URL:{base}/courses/phishing" in feed and ":5000" not in feed
        turned_on = browser.post(f"{base}/me/calendar", data={"csrf_token": _csrf(browser, f"{base}/me/data"),
                                                              "action": "new"}, timeout=10)
        assert f"{base}/calendar/" in turned_on.text

        stranger = requests.Session()
        stranger.post(f"{base}/password/forgot", timeout=10, data={
            "email": "ada@shop.example", "csrf_token": _csrf(stranger, f"{base}/password/forgot")})
        deadline = time.monotonic() + 10
        while not smtp_server.messages and time.monotonic() < deadline:
            time.sleep(0.1)
        [mail] = smtp_server.messages
        text = mail.message.get_body(("plain",)).get_content()
        assert f"{base}/password/reset/" in text and ":5000" not in text
    assert f"Links in e-mails, calendar feeds and certificates point at {base}" in output[0]


def test_an_explicit_base_url_wins_over_the_served_address(session, app_config, tmp_path):
    feed_token = _open_training_in_the_feed(session, make_user(session, email="ada@shop.example"))
    port = free_port()
    env = _environment(app_config, tmp_path, TRAINER_BASE_URL="https://training.example.com")
    output: list[str] = []
    with _serving(["run", "--host", "127.0.0.1", "--port", str(port)], env, port, output) as base:
        feed = _feed(base, feed_token)
    assert "URL:https://training.example.com/courses/phishing" in feed
    assert "point at" not in output[0]


def test_trainer_serve_points_links_at_its_bind_address(session, app_config, tmp_path):
    feed_token = _open_training_in_the_feed(session, make_user(session, email="ada@shop.example"))
    port = free_port()
    env = _environment(app_config, tmp_path, TRAINER_BIND=f"0.0.0.0:{port}", TRAINER_WORKERS="1")
    with _serving(["serve"], env, port, []) as base:
        feed = _feed(base, feed_token)
    assert f"URL:http://127.0.0.1:{port}/courses/phishing" in feed  # gunicorn's workers inherit it


def test_trainer_serve_on_a_unix_socket_needs_the_base_url(app_config, tmp_path):
    env = _environment(app_config, tmp_path, TRAINER_BIND=f"unix:{tmp_path}/trainer.sock")
    result = subprocess.run([TRAINER, "serve"], env=env, capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 2
    assert "TRAINER_BASE_URL must be set when serving on a unix socket" in result.stderr
