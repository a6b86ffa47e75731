"""Sixty days of cron with a frozen clock: exactly the expected e-mails reach a real SMTP server."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tests.compliance.helpers import complete_course, require
from tests.factories import make_course, make_user
from tests.notify.helpers import received, text_of
from trainer.models import Notification, hr_scope
from trainer.people.accounts import get_or_create_department

START = dt.date(2026, 3, 2)  # a Monday; weekly digests go out on Mondays


def test_sixty_days_of_reminders_send_exactly_the_expected_emails(app, session, runner, smtp_server):
    app.config.update(SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port)
    people = _organisation(session)
    sent = []
    for day in range(61):
        today = START + dt.timedelta(days=day)
        if day == 10:
            people["eve"].active = False  # leaves: her reminders stop at once
        if day == 20:
            complete_course(session, people["ben"], people["course"], today)
        session.commit()
        before = len(smtp_server.messages)
        for command in (["assignments", "sync"], ["reminders", "send"]):
            result = runner.invoke(args=[*command, "--as-of", today.isoformat()])
            assert result.exit_code == 0, result.output
        sent += [(day, to.split("@")[0], kinds) for to, kinds in received(smtp_server)[before:]]

    # (day, recipient, kinds in the e-mail), sorted by day and recipient.
    assert sorted(sent) == sorted([
        (0, "ada", ("assigned",)), (0, "ben", ("assigned",)), (0, "cy", ("assigned",)),
        (0, "eve", ("assigned",)),
        (7, "dee", ("assigned",)),  # weekly digest: waits for Monday
        (16, "ada", ("due_soon",)), (16, "ben", ("due_soon",)), (16, "cy", ("due_soon",)),
        (21, "dee", ("due_soon",)),
        (27, "ada", ("due_soon",)), (27, "cy", ("due_soon",)),  # Ben completed on day 20
        (28, "dee", ("due_soon",)),
        (30, "ada", ("due_today",)), (30, "cy", ("due_today",)),
        (35, "dee", ("due_today",)),
        (37, "ada", ("overdue",)), (37, "cy", ("overdue",)),
        (42, "dee", ("overdue",)),
        (44, "ada", ("overdue",)), (44, "cy", ("overdue",)),
        (44, "mona", ("escalation",)),  # one e-mail about Ada and Dee, her own reports
        (44, "hana", ("escalation",)), (44, "hal", ("escalation",)),  # Cy has no manager
        (49, "dee", ("overdue",)),
        (51, "ada", ("overdue",)), (51, "cy", ("overdue",)),
        (56, "dee", ("overdue",)),
        (58, "ada", ("overdue",)), (58, "cy", ("overdue",)),
    ])
    _check_contents(smtp_server)
    # Nothing is stuck: every row went out, except Dee's week-4 reminder waiting for Monday.
    unsent = session.scalars(select(Notification).where(Notification.sent_at.is_(None))).all()
    assert [(n.user_id, n.kind, n.send_after.date()) for n in unsent] == [
        (people["dee"].id, "overdue", dt.date(2026, 5, 4))]


def _organisation(session) -> dict:
    course = make_course(session, title="Data protection essentials", due_days=30)
    second = make_course(session, title="Securing customer data", due_days=30)
    mona = make_user(session, email="mona@shop.example", name="Mona Manager", department="Management")
    hana = make_user(session, email="hana@shop.example", name="Hana HR", roles=("hr",))
    make_user(session, email="hal@shop.example", name="Hal HR", roles=("hr",))  # sees everyone
    hugo = make_user(session, email="hugo@shop.example", name="Hugo HR", roles=("hr",))
    for hr, department in ((hana, "Sales"), (hugo, "Engineering")):
        hr.hr_all_departments = False
        session.execute(hr_scope.insert().values(
            user_id=hr.id, department_id=get_or_create_department(session, department).id))
    ada = make_user(session, email="ada@shop.example", name="Ada Lovelace", manager=mona)
    ben = make_user(session, email="ben@shop.example", name="Ben Okri", manager=mona)
    cy = make_user(session, email="cy@shop.example", name="Cy Twombly", department="Sales")
    dee = make_user(session, email="dee@shop.example", name="Dee Weekly", manager=mona)
    dee.digest_frequency = "weekly"
    eve = make_user(session, email="eve@shop.example", name="Eve Leaver", manager=mona)
    require(session, course, user_ids=[ada.id, ben.id, cy.id, dee.id, eve.id])
    require(session, second, user_ids=[ada.id])
    return {"course": course, "ada": ada, "ben": ben, "dee": dee, "eve": eve}


def _check_contents(smtp_server) -> None:
    by_recipient = {}
    for message in smtp_server.messages:
        by_recipient.setdefault(message.recipients[0], []).append(message)
    # A digest: Ada's two courses are in one e-mail.
    first = text_of(by_recipient["ada@shop.example"][0])
    assert "Data protection essentials" in first and "Securing customer data" in first
    # Mona hears about her own overdue reports only: names, courses, days overdue.
    escalation = text_of(by_recipient["mona@shop.example"][0])
    assert "Ada Lovelace: Data protection essentials, 14 days overdue" in escalation
    assert "Dee Weekly: Data protection essentials, 14 days overdue" in escalation
    assert "Cy Twombly" not in escalation and "Ben Okri" not in escalation
    assert "Cy Twombly" in text_of(by_recipient["hal@shop.example"][0])
    assert "Ada Lovelace" not in text_of(by_recipient["hana@shop.example"][0])
