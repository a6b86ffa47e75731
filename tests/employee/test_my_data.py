"""My data: what is stored and why, the JSON download, and the secret calendar feed."""

from __future__ import annotations

import datetime as dt
import json
import re

from icalendar import Calendar
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.employee.helpers import enrol, open_quiz, submit_quiz
from tests.factories import make_user
from trainer import clock
from trainer.audit import Actor
from trainer.models import User
from trainer.people.accounts import set_password
from trainer.security import hash_token


def test_my_data_page_says_what_is_stored_and_why(session, client, auth):
    make_user(session, email="ada@example.com")
    session.commit()
    auth.login("ada@example.com")
    page = client.get("/me/data").get_data(as_text=True)
    assert "What is stored about you" in page
    assert "A hash of your password" in page and "to check your password when you sign in" in page
    assert 'href="/me/data.json"' in page


def test_download_holds_my_record_and_not_other_peoples_data(session, client, auth):
    boss = make_user(session, email="boss@example.com", name="Grace Boss")
    user, course = enrol(session)
    user.manager = boss
    set_password(session, Actor(label="boss@example.com", user_id=boss.id, ip="10.1.2.3"), user,
                 "another long passphrase 99")
    session.commit()
    auth.login("ada@example.com", "another long passphrase 99")
    lesson = course.active_modules[0]
    submit_quiz(client, course, lesson, open_quiz(client, course, lesson), right=True)
    response = client.get("/me/data.json")
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["profile"]["email"] == "ada@example.com"
    assert data["profile"]["manager"] == "Grace Boss"
    assert data["assignments"][0]["course_slug"] == course.slug
    attempt = data["quiz_attempts"][0]
    assert attempt["score"] == 100 and attempt["answers"]  # the answers given
    assert data["module_completions"][0]["method"] == "quiz"
    actions = {e["action"] for e in data["audit_events"]}
    assert {"auth.signed_in", "user.password_changed", "quiz.submitted"} <= actions
    changed = next(e for e in data["audit_events"] if e["action"] == "user.password_changed")
    assert changed["actor"] == "Grace Boss" and changed["ip"] is None
    text = response.get_data(as_text=True)
    assert "boss@example.com" not in text and "10.1.2.3" not in text
    assert user.password_hash not in text


def feed_url(page: str) -> str:
    return re.search(r'id="feed-url" type="text" class="secret" readonly autofocus spellcheck="false" '
                     r'value="([^"]+)"', page).group(1)


def calendar_post(client, action):
    return client.post("/me/calendar", data={"csrf_token": csrf_token(client, "/me/data"), "action": action})


def turn_on_feed(client) -> str:
    """POST, then the GET it redirects to (as a browser does): the page that shows the address."""
    response = calendar_post(client, "enable")
    assert response.status_code == 302 and response.location == "/me/data?feed=new"
    return client.get(response.location).get_data(as_text=True)


def test_calendar_feed_on_shows_the_url_once_and_serves_due_dates(session, client, auth):
    clock.freeze(dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC))
    user, course = enrol(session, due_days=30)
    auth.login("ada@example.com")
    page = turn_on_feed(client)
    url = feed_url(page)
    assert url.startswith("http://trainer.test/calendar/") and url.endswith(".ics")
    # At the top: before the list of what is stored and the calendar section.
    assert page.index('id="feed-url"') < page.index('id="calendar"') and page.index("<h1>") < page.index(url)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    session.expire_all()
    stored = session.get(User, user.id).calendar_token_hash
    assert stored == hash_token(token) and token not in stored
    again = client.get("/me/data?feed=new").get_data(as_text=True)  # a refresh: shown only once
    assert token not in again and "was shown once, when it was made" in again
    assert token not in client.get("/me/data").get_data(as_text=True)
    session.expire_all()
    assert session.get(User, user.id).calendar_token_hash == stored  # the refresh made no new address

    auth.logout()
    feed = client.get(url.removeprefix("http://trainer.test"))
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    events = Calendar.from_ical(feed.data).walk("VEVENT")
    assert len(events) == 1
    assert events[0].decoded("dtstart") == dt.date(2026, 3, 31)
    assert f"http://trainer.test/courses/{course.slug}" in str(events[0]["url"])
    assert course.title in str(events[0]["summary"])


def test_regenerating_or_revoking_the_feed_retires_the_old_url(session, client, auth):
    enrol(session)
    auth.login("ada@example.com")
    first = feed_url(turn_on_feed(client))
    second = feed_url(turn_on_feed(client))
    path = lambda url: url.removeprefix("http://trainer.test")  # noqa: E731
    assert client.get(path(first)).status_code == 404
    assert client.get(path(second)).status_code == 200
    response = calendar_post(client, "revoke")
    assert "Your calendar feed is off" in client.get(response.location).get_data(as_text=True)
    assert client.get(path(second)).status_code == 404
    session.expire_all()
    assert session.scalar(select(User)).calendar_token_hash is None


def test_unknown_feed_tokens_are_not_found(client):
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    assert client.get("/calendar/" + "x" * 200 + ".ics").status_code == 404
