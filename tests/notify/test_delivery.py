"""Delivery to a real SMTP server: content, one connection, refusals, outages, retries, skips."""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import update

from tests.compliance.helpers import complete_course, complete_module, require, sync
from tests.factories import make_course, make_user
from tests.notify.helpers import html_of, plan, received, rows, run, settings, text_of
from trainer import clock
from trainer.audit import Actor
from trainer.models import Notification
from trainer.notify.outbox import retry_delivery

DAY = dt.date(2026, 3, 2)


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


def assigned(session, *people, courses=1, **course):
    made = [make_course(session, **course) for _ in range(courses)]
    for c in made:
        require(session, c, user_ids=[p.id for p in people])
    sync(session, DAY)
    session.commit()
    return made


def test_an_email_has_both_parts_escaped_headers_and_a_link_to_the_next_module(session, smtp_server):
    ada = make_user(session, email="ada@shop.example", name="Ada <Lovelace>")
    [course] = assigned(session, ada, modules=2, title='Privacy & "you" <b>now</b>', slug="privacy")
    complete_module(session, ada, course.active_modules[0], DAY)
    session.commit()
    summary = run(session, DAY, settings(smtp_server))
    assert (summary.delivery.sent, summary.delivery.emails, summary.ok) == (1, 1, True)
    [message] = smtp_server.messages
    headers = message.message
    assert headers["To"].addresses[0].addr_spec == "ada@shop.example"
    assert headers["From"].addresses[0].addr_spec == "trainer@shop.example"
    assert headers["Message-ID"].startswith("<") and headers["Message-ID"].endswith("@shop.example>")
    assert headers["Date"].datetime == dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
    assert headers["Subject"] == ('New training for you: Privacy & "you" <b>now</b>, '
                                  "due in 30 days (1 April 2026)")
    text, html = text_of(message), html_of(message)
    assert "Hello Ada <Lovelace>," in text
    assert "http://trainer.test/courses/privacy/module-2" in text  # module 1 is done
    assert "Next: Module 2 v1" in text
    assert "Privacy &amp; &#34;you&#34; &lt;b&gt;now&lt;/b&gt;" in html
    assert "<b>now</b>" not in html and "Ada &lt;Lovelace&gt;" in html
    assert 'href="http://trainer.test/courses/privacy/module-2"' in html
    # Only what is needed: nothing of the quiz, nobody else.
    assert "Question" not in text and "Right answer" not in text


def test_five_due_items_make_one_email_listing_five(session, smtp_server):
    ada = make_user(session, email="ada@shop.example")
    courses = assigned(session, ada, courses=5)
    run(session, DAY, settings(smtp_server))
    assert received(smtp_server) == [("ada@shop.example", ("assigned",))]
    text = text_of(smtp_server.messages[0])
    assert all(c.title in text for c in courses) and text.count("* New training") == 5
    assert smtp_server.messages[0].message["Subject"] == "5 training reminders"


def test_many_emails_go_over_one_connection(session, smtp_server):
    people = [make_user(session) for _ in range(6)]
    assigned(session, *people)
    assert run(session, DAY, settings(smtp_server)).delivery.emails == 6
    assert len({m.peer for m in smtp_server.messages}) == 1


def test_a_refused_recipient_does_not_stop_the_others(session, smtp_server):
    ada, ben, cy = (make_user(session, email=f"{n}@shop.example") for n in ("ada", "ben", "cy"))
    assigned(session, ada, ben, cy)
    smtp_server.handler.reject.add("ben@shop.example")
    summary = run(session, DAY, settings(smtp_server))
    assert [to for to, _ in received(smtp_server)] == ["ada@shop.example", "cy@shop.example"]
    assert (summary.delivery.sent, summary.delivery.retrying, summary.ok) == (2, 1, False)
    [refused] = [n for n in rows(session) if n.user_id == ben.id]
    assert refused.sent_at is None and refused.attempts == 1 and refused.claimed_by is None
    assert "550" in refused.last_error and refused.next_attempt_at == at(12, 30)
    smtp_server.handler.reject.clear()
    run(session, at(12, 20), settings(smtp_server))  # too early: backing off
    assert len(smtp_server.messages) == 2
    run(session, at(12, 40), settings(smtp_server))
    assert [to for to, _ in received(smtp_server)] == ["ada@shop.example", "cy@shop.example",
                                                       "ben@shop.example"]
    assert rows(session)[1].last_error is None and rows(session)[1].attempts == 2


def test_an_smtp_outage_loses_nothing_and_duplicates_nothing(session, smtp_server):
    people = [make_user(session, email=f"p{n}@shop.example") for n in range(4)]
    assigned(session, *people, courses=2)
    smtp_server.stop()
    down = run(session, DAY, settings(smtp_server))
    assert not down.ok and down.delivery.sent == 0 and down.delivery.retrying == 8
    assert "Delivery stopped" in down.text()
    # An outage is not the recipients' fault: it uses up none of their attempts.
    assert all(n.sent_at is None and n.attempts == 0 and n.last_error for n in rows(session))
    smtp_server.start()
    back = run(session, at(14), settings(smtp_server))
    assert back.ok and (back.delivery.sent, back.delivery.emails) == (8, 4)
    again = run(session, at(15), settings(smtp_server))
    assert again.delivery.sent == 0
    assert sorted(to for to, _ in received(smtp_server)) == [p.email for p in people]
    assert all(n.sent_at is not None and n.attempts == 1 for n in rows(session))


def test_after_the_last_attempt_the_email_is_failed_until_an_admin_retries(session, smtp_server):
    ada = make_user(session, email="ada@shop.example")
    assigned(session, ada)
    smtp_server.handler.reject.add("ada@shop.example")
    quick = settings(smtp_server, max_attempts=3, retry_minutes=1)
    outcomes = []
    for hour in (12, 13, 14, 15):
        summary = run(session, at(hour), quick)
        outcomes.append((summary.delivery.retrying, summary.delivery.failed))
    assert outcomes == [(1, 0), (1, 0), (0, 1), (0, 0)]  # given up after three attempts
    [row] = rows(session)
    assert row.failed_at == at(14) and row.attempts == 3 and row.sent_at is None
    smtp_server.handler.reject.clear()
    assert retry_delivery(session, Actor.cli(), row.id)
    session.commit()
    assert run(session, at(16), quick).delivery.sent == 1
    assert received(smtp_server) == [("ada@shop.example", ("assigned",))]


def test_claims_of_a_crashed_run_are_released_after_the_timeout(session, smtp_server):
    ada, ben = make_user(session), make_user(session)
    assigned(session, ada, ben)
    plan(session, DAY)
    for person, claimed_at in ((ada, at(11, 20)), (ben, at(11, 40))):
        session.execute(update(Notification).where(Notification.user_id == person.id)
                        .values(claimed_by="crashed-host:1:dead", claimed_at=claimed_at))
    session.commit()
    summary = run(session, DAY, settings(smtp_server))  # noon: ada's claim is 40 minutes old
    assert (summary.delivery.released, summary.delivery.sent) == (1, 1)
    assert [to for to, _ in received(smtp_server)] == [ada.email]
    assert run(session, at(12, 15), settings(smtp_server)).delivery.sent == 1
    assert [to for to, _ in received(smtp_server)] == [ada.email, ben.email]


def test_without_an_smtp_host_emails_are_logged_and_marked_sent(session, caplog):
    ada = make_user(session, email="ada@shop.example")
    assigned(session, ada)
    with caplog.at_level(logging.INFO, logger="trainer.notify.mailer"):
        summary = run(session, DAY, settings())
    assert summary.ok and summary.delivery.sent == 1
    assert "E-mail not sent (log-only mail)" in caplog.text
    assert "ada@shop.example" not in caplog.text and "Hello" not in caplog.text  # nor the body
    assert rows(session)[0].sent_at is not None


def test_reminders_for_training_done_before_delivery_are_skipped(session, smtp_server):
    ada, ben, cy = make_user(session), make_user(session), make_user(session)
    [course] = assigned(session, ada, ben, cy)
    plan(session, DAY)
    session.commit()
    complete_course(session, ada, course, DAY)
    ben.active = False
    session.commit()
    summary = run(session, DAY, settings(smtp_server))
    assert (summary.delivery.sent, summary.delivery.skipped, summary.ok) == (1, 2, True)
    assert [to for to, _ in received(smtp_server)] == [cy.email]
    by_user = {n.user_id: n for n in rows(session)}
    assert by_user[ada.id].last_error == "skipped: completed"
    assert by_user[ben.id].last_error == "skipped: recipient deactivated"
    assert by_user[ada.id].sent_at is not None and by_user[ada.id].read_at is not None


def test_an_escalation_about_someone_who_caught_up_is_skipped(session, smtp_server):
    mona = make_user(session, email="mona@shop.example")
    ada = make_user(session, manager=mona)
    [course] = assigned(session, ada)
    late = DAY + dt.timedelta(days=44)
    plan(session, late)
    session.commit()
    complete_course(session, ada, course, late)
    session.commit()
    assert run(session, late, settings(smtp_server)).delivery.skipped == 2
    assert smtp_server.messages == []


def test_a_dry_run_saves_and_sends_nothing(session, smtp_server):
    assigned(session, make_user(session), make_user(session))
    summary = run(session, DAY, settings(smtp_server), dry_run=True)
    assert summary.text() == ("Dry run for 2026-03-02: 2 reminders would be planned; 2 would be sent "
                              "in 2 e-mails. Nothing was saved or sent.")
    assert rows(session) == [] and smtp_server.messages == []


def test_weekly_readers_get_one_digest_on_their_day(session, smtp_server):
    ada = make_user(session, email="ada@shop.example")
    ada.digest_frequency = "weekly"
    assigned(session, ada, courses=2)
    tuesday = DAY + dt.timedelta(days=1)
    with clock.frozen(tuesday):
        course = make_course(session)
        require(session, course, user_ids=[ada.id])
    sync(session, tuesday)
    session.commit()
    for n in range(7):
        run(session, DAY + dt.timedelta(days=n), settings(smtp_server))
    assert smtp_server.messages == []
    run(session, DAY + dt.timedelta(days=7), settings(smtp_server))
    assert received(smtp_server) == [("ada@shop.example", ("assigned",))]
    assert text_of(smtp_server.messages[0]).count("* New training") == 3


def test_a_long_team_list_names_the_first_fifty(session, smtp_server):
    hr = make_user(session, email="hr@shop.example", roles=("hr",))
    staff = [make_user(session, name=f"Person {n:02d}") for n in range(55)]
    assigned(session, *staff)
    run(session, DAY + dt.timedelta(days=44), settings(smtp_server))
    [to_hr] = [m for m in smtp_server.messages if m.recipients == [hr.email]]
    text = text_of(to_hr)
    assert text.count("days overdue") == 50 and "... and 5 more." in text


def test_new_reopened_and_refresher_training_read_differently_and_reopened_names_the_change(
        session, smtp_server):
    """Issue 15.5: a major change is not "New training"; its e-mail says what changed."""
    from tests.factories import publish_version
    from trainer.compliance.publishing import apply_published_content

    ada = make_user(session, email="ada@shop.example")
    [course] = assigned(session, ada, title="Breach basics", refresher_months=12)
    run(session, DAY, settings(smtp_server))
    assert smtp_server.messages[-1].message["Subject"].startswith("New training for you: Breach basics")
    complete_course(session, ada, course, DAY)
    changed = DAY + dt.timedelta(days=10)
    with clock.frozen(changed):
        version = publish_version(session, course.active_modules[0], change="major",
                                  change_note="Breaches are now reported within one hour.")
        apply_published_content(session, Actor.cli(), changed, major_versions=[version])
    session.commit()
    run(session, changed, settings(smtp_server))
    reopened = smtp_server.messages[-1]
    assert reopened.message["Subject"].startswith(
        "Training reopened: Breach basics has changed and part of it must be done again, due in 30 days")
    assert "What changed: Breaches are now reported within one hour." in text_of(reopened)
    assert "What changed: Breaches are now reported within one hour." in html_of(reopened)
    assert "New training" not in text_of(reopened)
    complete_course(session, ada, session.merge(course), changed)
    refresh_day = DAY + dt.timedelta(days=350)  # within the refresher window of last year's completion
    sync(session, refresh_day)
    session.commit()
    run(session, refresh_day, settings(smtp_server))
    assert smtp_server.messages[-1].message["Subject"].startswith("Time for your refresher: Breach basics")
