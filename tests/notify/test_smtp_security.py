"""STARTTLS, implicit TLS and authentication against a real aiosmtpd server with its own CA."""

from __future__ import annotations

import datetime as dt
import ssl
import subprocess
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.compliance.helpers import require, sync
from tests.factories import make_course, make_user
from tests.fixtures.smtp import RecordingHandler, free_port
from tests.notify.helpers import rows, run, settings
from trainer.notify.settings import SmtpSettings

DAY = dt.date(2026, 3, 2)
USER, PASSWORD = "trainer", "relay-secret"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (it is its own CA)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return str(cert), str(key)


def _authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535


def _server(certificate, *, implicit: bool) -> Iterator[tuple[RecordingHandler, int]]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    handler, port = RecordingHandler(), free_port()
    # Implicit TLS is invisible to aiosmtpd's "AUTH only after STARTTLS" check: relax it there.
    tls = ({"ssl_context": context, "auth_require_tls": False} if implicit
           else {"tls_context": context, "require_starttls": True})
    controller = Controller(handler, hostname="127.0.0.1", port=port, authenticator=_authenticator,
                            auth_required=True, **tls)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def starttls_server(certificate):
    yield from _server(certificate, implicit=False)


@pytest.fixture
def tls_server(certificate):
    yield from _server(certificate, implicit=True)


def _one_reminder(session) -> None:
    person = make_user(session, email="ada@shop.example")
    require(session, make_course(session), user_ids=[person.id])
    sync(session, DAY)
    session.commit()


def _smtp(port: int, certificate, security: str, password: str = PASSWORD) -> SmtpSettings:
    return SmtpSettings("127.0.0.1", port, security=security, user=USER, password=password,
                        timeout=5, ca_file=certificate[0])


@pytest.mark.parametrize("security", ["starttls", "tls"])
# aiosmtpd cannot tell that an implicit-TLS connection is encrypted and warns about AUTH.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_mail_goes_through_tls_with_authentication(session, certificate, request, security):
    handler, port = request.getfixturevalue(f"{security}_server")
    _one_reminder(session)
    summary = run(session, DAY, settings(smtp=_smtp(port, certificate, security)))
    assert summary.ok and summary.delivery.sent == 1
    assert [m.recipients for m in handler.messages] == [["ada@shop.example"]]


def test_a_wrong_password_stops_the_run_and_keeps_the_error(session, certificate, starttls_server):
    handler, port = starttls_server
    _one_reminder(session)
    summary = run(session, DAY, settings(smtp=_smtp(port, certificate, "starttls", password="wrong")))
    assert not summary.ok and summary.delivery.stopped
    assert handler.messages == []
    assert rows(session)[0].last_error.startswith("535")


def test_an_untrusted_certificate_is_refused(session, starttls_server):
    _, port = starttls_server
    _one_reminder(session)
    untrusted = SmtpSettings("127.0.0.1", port, security="starttls", user=USER, password=PASSWORD,
                             timeout=5)
    summary = run(session, DAY, settings(smtp=untrusted))
    assert summary.delivery.stopped and "CERTIFICATE_VERIFY_FAILED" in rows(session)[0].last_error


def _check(app, runner, port, certificate, security, **overrides):  # type: ignore[no-untyped-def]
    app.config.update({"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_SECURITY": security,
                       "SMTP_USER": USER, "SMTP_PASSWORD": PASSWORD, "SMTP_CA_FILE": certificate[0],
                       "SMTP_TIMEOUT": 5, "MAIL_FROM": "trainer@shop.example", **overrides})
    return runner.invoke(args=["mail", "check"])


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_mail_check_reports_each_step_and_sends_nothing(app, runner, certificate, request, security):
    handler, port = request.getfixturevalue(f"{security}_server")
    result = _check(app, runner, port, certificate, security)
    assert result.exit_code == 0, result.output
    steps = [line.split(":")[0] for line in result.output.splitlines() if line.startswith("ok")]
    tls_step = "STARTTLS" if security == "starttls" else "TLS"
    assert steps == ["ok    connect", "ok    EHLO", f"ok    {tls_step}", "ok    AUTH", "ok    MAIL FROM"]
    assert "certificate verified for 127.0.0.1" in result.output
    assert "signed in as trainer" in result.output
    assert result.output.endswith("accepts mail from trainer@shop.example; nothing was sent.\n")
    assert handler.messages == []


@pytest.mark.parametrize(("overrides", "failed_step", "reason"), [
    ({"SMTP_PASSWORD": "wrong"}, "AUTH", "535"),
    ({"SMTP_CA_FILE": None}, "STARTTLS", "CERTIFICATE_VERIFY_FAILED"),
    ({"SMTP_SECURITY": "none", "SMTP_USER": None}, "MAIL FROM", "530"),  # STARTTLS required
])
def test_mail_check_names_the_step_that_failed(app, runner, certificate, starttls_server, overrides,
                                               failed_step, reason):
    _, port = starttls_server
    result = _check(app, runner, port, certificate, "starttls", **overrides)
    assert result.exit_code == 1
    [failure] = [line for line in result.output.splitlines() if line.startswith("FAIL")]
    assert failure.startswith(f"FAIL  {failed_step} failed: ") and reason in failure, result.output


def test_mail_check_of_an_unreachable_server_fails_at_connect(app, runner, certificate):
    result = _check(app, runner, free_port(), certificate, "starttls")
    assert result.exit_code == 1
    assert "FAIL  connect failed: ConnectionRefusedError" in result.output


def test_mail_check_with_log_only_mail_in_development_says_so(app, runner):
    app.config.update(SMTP_HOST=None)
    result = runner.invoke(args=["mail", "check"])
    assert result.exit_code == 0 and "Log-only mail" in result.output
