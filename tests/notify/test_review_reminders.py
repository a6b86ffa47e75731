"""Content-review reminders (issue 16.5): the owner is e-mailed 30 days before the review falls
due and again once it is overdue, each once per review cycle, through the outbox and a real
SMTP server; the documented cron line runs as documented."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.factories import make_course, make_user
from tests.notify.helpers import keys, settings, text_of
from trainer import clock
from trainer.audit import Actor
from trainer.content.review import mark_reviewed
from trainer.models import Course, Notification
from trainer.notify.review_reminders import plan_review_reminders
from trainer.notify.run import send_review_reminders

ROOT = Path(__file__).resolve().parents[2]
REVIEWED = dt.date(2025, 12, 31)  # so the review falls due on 2026-12-31


def owned_course(session, owner: str | None = "owner@shop.example", reviewed_on: dt.date | None = REVIEWED,
                 **kwargs) -> Course:
    course = make_course(session, title="Breach response", **kwargs)
    course.owner, course.reviewed_on = owner, reviewed_on
    session.commit()
    return course


def plan(session, day: dt.date) -> int:
    with clock.frozen(day):
        planned = plan_review_reminders(session, day)
    session.commit()
    return planned


def run(session, day: dt.date, smtp_server):
    with clock.frozen(day):
        return send_review_reminders(session, settings(smtp_server), day)


@pytest.mark.parametrize(("day", "expected"), [
    (dt.date(2026, 11, 30), []),  # 31 days before the due date: nothing yet
    (dt.date(2026, 12, 1), ["review_due"]),  # 30 days before
    (dt.date(2026, 12, 31), ["review_due"]),  # the due date: due, not overdue
    (dt.date(2027, 1, 1), ["review_overdue"]),  # the day after: overdue
])
def test_the_reminder_reached_on_a_day(session, day, expected):
    course = owned_course(session)
    plan(session, day)
    assert [key.rsplit(":", 1)[1] for key in keys(session)] == expected
    assert all(key.startswith(f"review:{course.id}:2026-12-31:") for key in keys(session))


def test_each_reminder_is_planned_once_per_cycle(session):
    course = owned_course(session)
    assert [plan(session, day) for day in (dt.date(2026, 12, 1), dt.date(2026, 12, 1), dt.date(2026, 12, 31),
                                           dt.date(2027, 1, 1), dt.date(2027, 2, 1))] == [1, 0, 0, 1, 0]
    assert keys(session) == [f"review:{course.id}:2026-12-31:review_due",
                             f"review:{course.id}:2026-12-31:review_overdue"]
    with clock.frozen(dt.date(2027, 2, 2)):
        mark_reviewed(session, Actor.cli(), course, dt.date(2027, 2, 2))  # a new cycle, due 2028-02-02
    assert plan(session, dt.date(2028, 1, 3)) == 1
    assert keys(session)[-1] == f"review:{course.id}:2028-02-02:review_due"


def test_a_run_after_days_without_cron_sends_only_the_overdue_reminder(session):
    owned_course(session)
    plan(session, dt.date(2027, 3, 1))
    assert [key.rsplit(":", 1)[1] for key in keys(session)] == ["review_overdue"]


def test_a_course_never_reviewed_is_overdue_and_reminded_once(session):
    course = owned_course(session, reviewed_on=None)
    assert [plan(session, dt.date(2026, 12, 1)), plan(session, dt.date(2027, 6, 1))] == [1, 0]
    assert keys(session) == [f"review:{course.id}:never:review_overdue"]


def test_courses_without_an_owner_or_retired_get_no_reminder(session):
    owned_course(session, owner=None)
    retired = owned_course(session)
    retired.retired_at = clock.now()
    session.commit()
    assert plan(session, dt.date(2027, 1, 1)) == 0


def test_the_owner_gets_each_e_mail_once_over_real_smtp_even_without_an_account(session, smtp_server):
    course = owned_course(session, owner="outside.counsel@law.example")
    first = run(session, dt.date(2026, 12, 1), smtp_server)
    assert (first.planned, first.delivery.sent, first.ok) == (1, 1, True)
    [message] = smtp_server.messages
    assert message.recipients == ["outside.counsel@law.example"]
    assert message.message["Subject"] == "Content review due: “Breach response” by 31 December 2026"
    assert message.message["X-Trainer-Reminders"] == "review_due"
    body = " ".join(text_of(message).split())
    assert "falls due on 31 December 2026 (in 30 days): it was last reviewed on 31 December 2025" in body
    assert "http://trainer.test/admin/reviews" in body
    second = run(session, dt.date(2026, 12, 1), smtp_server)
    assert (second.planned, second.delivery.sent) == (0, 0)
    assert len(smtp_server.messages) == 1
    row = session.scalar(select(Notification))
    assert (row.user_id, row.email, row.course_id, row.sent_at is not None) == (
        None, "outside.counsel@law.example", course.id, True)
    run(session, dt.date(2027, 1, 1), smtp_server)
    run(session, dt.date(2027, 1, 2), smtp_server)
    assert [m.message["X-Trainer-Reminders"] for m in smtp_server.messages] == [
        "review_due", "review_overdue"]
    assert smtp_server.messages[1].message["Subject"] == (
        "Content review overdue: “Breach response” was due on 31 December 2026")
    assert "(1 day ago)" in text_of(smtp_server.messages[1])


def test_an_owner_who_is_a_user_is_e_mailed_at_the_same_address(session, smtp_server):
    make_user(session, email="owner@shop.example", name="Olga Owner")
    owned_course(session, owner="owner@shop.example")
    run(session, dt.date(2027, 1, 1), smtp_server)
    assert [m.recipients for m in smtp_server.messages] == [["owner@shop.example"]]


def test_a_reminder_for_a_course_reviewed_meanwhile_is_skipped(session, smtp_server):
    course = owned_course(session)
    plan(session, dt.date(2026, 12, 1))
    with clock.frozen(dt.date(2026, 12, 2)):
        mark_reviewed(session, Actor.cli(), course, dt.date(2026, 12, 2))
    session.commit()
    result = run(session, dt.date(2026, 12, 2), smtp_server)
    assert (result.delivery.sent, result.delivery.skipped) == (0, 1)
    assert smtp_server.messages == []
    assert session.scalar(select(Notification.last_error)) == "skipped: reviewed meanwhile"


def test_the_hourly_reminders_run_delivers_a_waiting_review_reminder(session, smtp_server):
    from tests.notify.helpers import run as reminders_run

    owned_course(session)
    plan(session, dt.date(2027, 1, 1))
    summary = reminders_run(session, dt.date(2027, 1, 1), settings(smtp_server))
    assert summary.delivery.sent == 1
    assert [m.message["X-Trainer-Reminders"] for m in smtp_server.messages] == ["review_overdue"]


def test_a_dry_run_plans_and_sends_nothing(session, runner, smtp_server, app):
    owned_course(session)
    app.config.update(SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port)
    result = runner.invoke(args=["courses", "review-reminders", "--as-of", "2027-01-01", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.output == ("Dry run for 2027-01-01: 1 review reminder(s) would be planned. "
                             "Nothing was saved or sent.\n")
    assert keys(session) == [] and smtp_server.messages == []


# The cron line of docs/operations.md, run as written


def documented_cron_command() -> str:
    block = re.search(r"```cron\n(.*?)```", (ROOT / "docs" / "operations.md").read_text(), re.S)
    assert block, "docs/operations.md has no cron block"
    [line] = [line for line in block.group(1).splitlines() if "courses review-reminders" in line]
    return line.split(None, 5)[5]  # after minute, hour, day of month, month, day of week


def test_the_documented_cron_line_sends_the_reminder_once(session, smtp_server, test_database_url, tmp_path):
    command = documented_cron_command()
    assert command == "cd /srv/trainer && .venv/bin/trainer courses review-reminders"
    install = tmp_path / "srv-trainer"  # /srv/trainer: an installation with its .venv/bin/trainer
    (install / ".venv" / "bin").mkdir(parents=True)
    (install / ".venv" / "bin" / "trainer").symlink_to(Path(sys.executable).parent / "trainer")
    owned_course(session, reviewed_on=clock.today() - dt.timedelta(days=800))  # overdue whatever the date
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRAINER_")} | {
        "TRAINER_DATABASE_URL": test_database_url, "TRAINER_INSTANCE_PATH": str(tmp_path),
        "TRAINER_SECRET_KEY": "review-test-secret-key-that-is-long-enough-0123456789",
        "TRAINER_SMTP_HOST": smtp_server.host, "TRAINER_SMTP_PORT": str(smtp_server.port),
        "TRAINER_BASE_URL": "http://trainer.test", "TRAINER_MAIL_FROM": "trainer@shop.example"}
    outputs = []
    for _ in range(2):
        done = subprocess.run(["bash", "-c", command.replace("/srv/trainer", str(install))], env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    today = clock.today().isoformat()
    assert outputs == [f"Review reminders for {today}: 1 planned, 1 sent, 0 skipped, 0 failed, 0 to retry.\n",
                       f"Review reminders for {today}: 0 planned, 0 sent, 0 skipped, 0 failed, 0 to retry.\n"]
    assert [m.recipients for m in smtp_server.messages] == [["owner@shop.example"]]
