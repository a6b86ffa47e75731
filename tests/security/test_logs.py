"""No secret and no e-mail address in any log line, at any level, over a whole journey:
failed sign-ins, a lockout, password resets (mailed and log-only), a password change and a
staff import. Log lines name people by id; typed-in addresses are kept as keyed digests."""

from __future__ import annotations

import hashlib
import io
import logging
import re

from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_user
from tests.web.test_hr_import import HEADER, confirm_fields
from trainer.logs import AddressRedactingFilter, without_addresses
from trainer.models import AuditEvent

NEW = "a completely new passphrase 7"
WRONG = "guessing-wrong-password-1"
ADDRESSES = ["ada@shop.example", "nobody@shop.example", "hr@shop.example", "new.starter@shop.example"]


def post(client, path, **data):
    response = client.post(path, data={**data, "csrf_token": csrf_token(client, path)})
    response.close()  # after-response work (reset lookup, e-mail) runs here, as in a server
    return response


def everything_logged(caplog) -> str:
    lines = []
    for record in caplog.records:
        if record.name.startswith("mail.log"):
            continue  # the test's own SMTP server (aiosmtpd), not Trainer
        lines.append(record.getMessage())
        if record.exc_info:
            lines.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(lines)


def test_a_whole_journey_logs_no_secret_and_no_address(app, session, client, auth, smtp_server, caplog):
    caplog.set_level(logging.DEBUG)
    ada = make_user(session, email="ada@shop.example", name="Ada Lovelace")
    make_user(session, email="hr@shop.example", roles=("hr",))
    session.commit()

    # Failed sign-ins (unknown address, wrong password), then a lockout of ada's account.
    auth.login("nobody@shop.example", WRONG)
    for _ in range(5):
        auth.login("ada@shop.example", WRONG)
    assert auth.login("ada@shop.example", WRONG).status_code == 429

    # A reset without an SMTP host: the log says what was not sent, for whom by id.
    assert post(client, "/password/forgot", email="ada@shop.example").status_code == 302
    assert f"a password-reset e-mail for user {ada.id} was not sent (no SMTP host)" in caplog.text

    # A mailed reset, used: the link is the secret.
    app.config.update(SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port,
                      BASE_URL="https://training.shop.example")
    post(client, "/password/forgot", email="ADA@shop.example")
    [mail] = smtp_server.messages
    text = mail.message.get_body(("plain",)).get_content()
    link = re.search(r"https://training\.shop\.example(/password/reset/\S+)", text).group(1)
    token = link.rsplit("/", 1)[1]
    assert post(client, link, password=NEW, confirm=NEW).status_code == 302

    # A password change, a staff import by HR.
    app.config.update(LOGIN_LIMIT_PER_ACCOUNT="100 per minute")
    assert auth.login("ada@shop.example", NEW).status_code == 302
    post(client, "/me/password", current=WRONG, password=PASSWORD, confirm=PASSWORD)
    assert post(client, "/me/password", current=NEW, password=PASSWORD, confirm=PASSWORD).status_code == 302
    auth.logout()
    assert auth.login("hr@shop.example").status_code == 302
    upload = client.post("/hr/import", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(client, "/hr/import"),
        "file": (io.BytesIO((HEADER + "new.starter@shop.example,New Starter,Sales,,,,\n").encode()),
                 "staff.csv")})
    client.post("/hr/import/confirm", data=confirm_fields(upload.get_data(as_text=True))).close()

    logged = everything_logged(caplog)
    assert "limit" in logged and "was not sent" in logged  # the journey did log
    secrets = [token, NEW, PASSWORD, WRONG, *ADDRESSES]
    unkeyed = [hashlib.sha256(address.encode()).hexdigest()[:16] for address in ADDRESSES]
    leaked = [secret for secret in secrets + unkeyed if secret.lower() in logged.lower()]
    assert leaked == [], leaked


def test_failed_sign_in_digests_are_keyed_with_the_server_secret(app, session, auth, make_app):
    auth.login("nobody@shop.example", WRONG)
    digest = session.scalar(select(AuditEvent.details)).get("email_digest")
    assert digest and len(digest) == 32
    assert digest not in hashlib.sha256(b"nobody@shop.example").hexdigest()  # not the unkeyed one
    from trainer.audit import email_digest

    assert email_digest("Nobody@Shop.example ") == digest  # same address, same digest
    other = make_app(SECRET_KEY="another-secret-key-" + "x" * 30)
    with other.app_context():
        assert email_digest("nobody@shop.example") != digest  # another key, another digest


def test_the_log_handler_redacts_any_address_a_library_logs():
    record = logging.LogRecord("flask-limiter", logging.INFO, __file__, 1,
                               "ratelimit exceeded for %s", ("ada@shop.example",), None)
    AddressRedactingFilter().filter(record)
    assert record.getMessage() == "ratelimit exceeded for <address>"
    assert without_addresses("550 <b.c+d@mail.shop.example> unknown") == "550 <<address>> unknown"
