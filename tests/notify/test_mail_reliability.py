"""Mail is never lost or faked: outages and 4xx answers use up no attempts, a slow server
never gets a message twice in one run, the timeout covers the whole exchange, the
Message-ID follows the outbox rows, and production without a mail server refuses to send."""

from __future__ import annotations

import collections
import datetime as dt
import logging

import pytest
from sqlalchemy import func, select

from tests.factories import make_user
from tests.notify.helpers import rows, run, settings
from tests.notify.test_delivery import DAY, assigned, at
from trainer.config import ConfigError
from trainer.models import Notification
from trainer.notify.compose import message_id
from trainer.notify.mailer import MailNotConfigured
from trainer.notify.run import send_reminders
from trainer.notify.settings import ReminderSettings, SmtpSettings


def test_an_outage_longer_than_every_retry_still_ends_with_each_email_sent_once(session, smtp_server):
    people = [make_user(session, email=f"p{n}@shop.example") for n in range(3)]
    assigned(session, *people)
    quick = settings(smtp_server, max_attempts=2, retry_minutes=30)
    smtp_server.stop()
    for day in range(3):  # three days of hourly runs against a dead server
        for hour in range(0, 24, 6):
            down = run(session, at(hour, day=DAY + dt.timedelta(days=day)), quick)
            assert down.delivery.failed == 0 and not down.ok
    assert all(n.attempts == 0 and n.failed_at is None and "Connection refused" in n.last_error
               for n in rows(session))
    smtp_server.start()
    back = run(session, at(1, day=DAY + dt.timedelta(days=3)), quick)
    assert back.ok and back.delivery.sent == 3
    assert collections.Counter(m.recipients[0] for m in smtp_server.messages) == {
        p.email: 1 for p in people}


def test_a_4xx_answer_is_retried_without_using_up_attempts(session, smtp_server):
    ada = make_user(session, email="ada@shop.example")
    assigned(session, ada)
    smtp_server.handler.defer.add("ada@shop.example")
    quick = settings(smtp_server, max_attempts=2, retry_minutes=30)
    for hour in range(12, 18):
        summary = run(session, at(hour), quick)
        assert (summary.delivery.retrying, summary.delivery.failed) == (1, 0)
    [row] = rows(session)
    assert row.attempts == 0 and row.failed_at is None and row.last_error.startswith("recipient refused: 450")
    assert row.next_attempt_at == at(17, 30)  # MAIL_RETRY_MINUTES, without doubling
    smtp_server.handler.defer.clear()
    assert run(session, at(18), quick).delivery.sent == 1
    assert [m.recipients for m in smtp_server.messages] == [["ada@shop.example"]]


def test_a_5xx_answer_still_uses_up_an_attempt(session, smtp_server):
    ada = make_user(session, email="ada@shop.example")
    assigned(session, ada)
    smtp_server.handler.reject.add("ada@shop.example")
    summary = run(session, DAY, settings(smtp_server, max_attempts=1))
    assert summary.delivery.failed == 1 and rows(session)[0].attempts == 1


def test_a_server_slower_than_the_timeout_never_gets_an_email_twice_in_one_run(session, smtp_server):
    people = [make_user(session, email=f"p{n}@shop.example") for n in range(3)]
    assigned(session, *people)
    smtp_server.handler.data_delay = 5  # keeps the message, answers long after the timeout
    slow = ReminderSettings(**{**settings(smtp_server).__dict__,
                               "smtp": SmtpSettings(smtp_server.host, smtp_server.port, timeout=3)})
    summary = run(session, DAY, slow)
    assert summary.delivery.stopped and "timed out" in summary.delivery.stopped, summary.text()
    assert "TRAINER_SMTP_TIMEOUT (3 s)" in rows(session)[0].last_error
    # The first e-mail, once: no reconnect-and-resend; the run stopped there.
    assert len(smtp_server.messages) == 1, [m.recipients for m in smtp_server.messages]
    smtp_server.handler.data_delay = 0
    later = run(session, at(13), slow)
    assert later.ok and later.delivery.sent == 3
    # The one the slow server kept arrives again (the at-least-once window), with the same
    # Message-ID, so the receiving side can drop the copy.
    per_recipient = collections.defaultdict(list)
    for m in smtp_server.messages:
        per_recipient[m.recipients[0]].append(m.message["Message-ID"])
    assert sorted(len(ids) for ids in per_recipient.values()) == [1, 1, 2]
    assert all(len(set(ids)) == 1 for ids in per_recipient.values())


def test_the_timeout_covers_the_whole_exchange_not_each_answer(session, smtp_server):
    ada = make_user(session, email="ada@shop.example")
    assigned(session, ada)
    smtp_server.handler.delay = 1.2  # each answer well inside 3 s; MAIL+RCPT+DATA is not
    slow = ReminderSettings(**{**settings(smtp_server).__dict__,
                               "smtp": SmtpSettings(smtp_server.host, smtp_server.port, timeout=3)})
    summary = run(session, DAY, slow)
    assert summary.delivery.stopped and "timed out" in summary.delivery.stopped, summary.text()
    smtp_server.handler.delay = 0
    assert run(session, at(13), slow).delivery.sent == 1


def test_message_id_is_derived_from_the_outbox_rows(session, smtp_server):
    ada = make_user(session, email="ada@shop.example")
    assigned(session, ada, courses=2)
    run(session, DAY, settings(smtp_server))
    ids = [n.id for n in rows(session)]
    [received] = smtp_server.messages
    assert received.message["Message-ID"] == message_id(ids, settings(smtp_server))
    assert message_id(ids, settings(smtp_server)) == message_id(list(reversed(ids)), settings(smtp_server))
    assert message_id(ids[:1], settings(smtp_server)) != message_id(ids, settings(smtp_server))
    other_site = settings(smtp_server, base_url="https://other.example")
    assert message_id(ids, other_site) != message_id(ids, settings(smtp_server))


def test_production_without_an_smtp_host_refuses_to_send(make_app, session):
    ada = make_user(session, email="ada@shop.example")
    assigned(session, ada)
    app = make_app(ENV="production", SMTP_HOST=None, AUDIT_KEY="a" * 40, WORKERS=1)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["reminders", "send", "--as-of", DAY.isoformat()])
        check = app.test_cli_runner().invoke(args=["mail", "check"])
    assert result.exit_code == 1, result.output
    assert "TRAINER_SMTP_HOST is not set" in result.output and "TRAINER_MAIL_BACKEND=log" in result.output
    assert session.scalar(select(func.count()).select_from(Notification)) == 0  # nothing faked
    assert check.exit_code == 1 and "TRAINER_SMTP_HOST" in check.output


def test_production_may_choose_log_only_mail_explicitly(make_app, session, caplog):
    ada = make_user(session, email="ada@shop.example")
    assigned(session, ada)
    app = make_app(ENV="production", MAIL_BACKEND="log", AUDIT_KEY="a" * 40, WORKERS=1)
    with app.app_context(), caplog.at_level(logging.INFO, logger="trainer.notify.mailer"):
        result = app.test_cli_runner().invoke(args=["reminders", "send", "--as-of", DAY.isoformat()])
    assert result.exit_code == 0 and "1 sent in 1 e-mail" in result.output
    assert "E-mail not sent (log-only mail)" in caplog.text and "ada@shop.example" not in caplog.text


def test_the_domain_function_refuses_too(session):
    unavailable = ReminderSettings(mail_unavailable="no mail server configured")
    with pytest.raises(MailNotConfigured):
        send_reminders(session, unavailable, DAY)


@pytest.mark.parametrize(("overrides", "message"), [
    ({"SMTP_HOST": "mail.example", "SMTP_PORT": 70000}, "TRAINER_SMTP_PORT must be a port number"),
    ({"SMTP_HOST": "mail.example", "SMTP_PORT": 0}, "TRAINER_SMTP_PORT must be a port number"),
    ({"SMTP_HOST": "mail.example", "SMTP_PORT": "25x"}, "TRAINER_SMTP_PORT must be a port number"),
    ({"MAIL_BACKEND": "carrier-pigeon"}, "TRAINER_MAIL_BACKEND must be smtp or log"),
    ({"MAIL_BACKEND": "smtp"}, "TRAINER_MAIL_BACKEND=smtp needs TRAINER_SMTP_HOST"),
])
def test_bad_mail_settings_are_named(app_config, overrides, message):
    from trainer import create_app

    with pytest.raises(ConfigError, match=message):
        create_app({**app_config, **overrides})


def test_port_boundaries_are_accepted(app_config):
    from trainer import create_app

    for port in (1, 65535):
        create_app({**app_config, "SMTP_HOST": "mail.example", "SMTP_PORT": port})
