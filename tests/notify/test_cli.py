"""`trainer reminders send`: a summary, a non-zero exit when mail failed, a dry run, bad settings."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.compliance.helpers import require, sync
from tests.factories import make_course, make_user
from trainer import create_app
from trainer.config import DEFAULTS, ConfigError
from trainer.models import Notification
from trainer.notify.settings import ReminderSettings

DAY = "2026-03-02"


@pytest.fixture
def two_people(session):
    people = [make_user(session, email=f"{n}@shop.example") for n in ("ada", "ben")]
    require(session, make_course(session), user_ids=[p.id for p in people])
    sync(session, dt.date(2026, 3, 2))
    session.commit()
    return people


def test_send_prints_a_summary_and_fails_when_mail_was_refused(app, runner, smtp_server, two_people):
    app.config.update(SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port)
    smtp_server.handler.reject.add("ben@shop.example")
    result = runner.invoke(args=["reminders", "send", "--as-of", DAY])
    assert result.exit_code == 1
    assert result.output == ("Reminders for 2026-03-02: 2 planned, 1 sent in 1 e-mail, 0 skipped, "
                             "0 failed, 1 to retry.\n")
    smtp_server.handler.reject.clear()
    result = runner.invoke(args=["reminders", "send", "--as-of", "2026-03-03"])
    assert result.exit_code == 0 and "1 sent in 1 e-mail" in result.output


def test_a_dry_run_changes_nothing(runner, session, smtp_server, two_people):
    result = runner.invoke(args=["reminders", "send", "--as-of", DAY, "--dry-run"])
    assert result.exit_code == 0
    assert "2 reminders would be planned; 2 would be sent in 2 e-mails" in result.output
    assert session.scalar(select(func.count()).select_from(Notification)) == 0


def test_a_bad_setting_stops_start_up_and_is_named(app_config):
    with pytest.raises(ConfigError, match="TRAINER_SMTP_SECURITY must be one of none, starttls, tls"):
        create_app({**app_config, "SMTP_HOST": "mail.example", "SMTP_SECURITY": "ssl"})


def test_the_command_names_a_setting_changed_after_start_up(app, runner):
    app.config.update(DIGEST_WEEKDAY="someday")
    result = runner.invoke(args=["reminders", "send"])
    assert result.exit_code == 1 and "TRAINER_DIGEST_WEEKDAY must be a weekday name" in result.output


@pytest.mark.parametrize(("value", "days"), [("14,3", (14, 3)), ("3, 14", (14, 3)), (7, (7,)),
                                             ([1, 7, 30], (30, 7, 1))])
def test_due_soon_days_are_parsed_from_the_environment_forms(value, days):
    assert ReminderSettings.from_config({**DEFAULTS, "REMIND_DUE_SOON_DAYS": value}).due_soon_days == days


@pytest.mark.parametrize(("name", "value"), [("REMIND_DUE_SOON_DAYS", "soon"), ("REMIND_DUE_SOON_DAYS", "0"),
                                             ("MAIL_MAX_ATTEMPTS", 0), ("DIGEST_WEEKDAY", "someday"),
                                             ("DIGEST_HOUR", 24)])
def test_unusable_settings_are_refused_by_name(name, value):
    with pytest.raises(ConfigError, match=f"TRAINER_{name}"):
        ReminderSettings.from_config({**DEFAULTS, name: value})
