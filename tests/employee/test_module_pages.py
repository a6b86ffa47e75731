"""Course and module pages: content, outline with ticks, visits, policy acknowledgements."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.employee.helpers import enrol
from trainer import clock
from trainer.models import Assignment, ModuleCompletion, ModuleVisit

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def ada(session, auth):
    clock.freeze(NOW)
    user, course = enrol(session)
    policy = course.active_modules[1]
    policy.current_version.min_read_seconds = 60
    session.commit()
    auth.login("ada@example.com")
    return user, course


def module_url(course, module) -> str:
    return f"/courses/{course.slug}/{module.slug}"


def acknowledge(client, course, module, **data):
    form = {"csrf_token": csrf_token(client, "/"), "confirm": "yes",
            "version": str(module.current_version_id), **data}
    return client.post(module_url(course, module) + "/acknowledge", data=form)


def test_module_page_shows_content_reading_time_outline_and_neighbours(client, ada):
    _, course = ada
    lesson, policy = course.active_modules
    page = client.get(module_url(course, lesson)).get_data(as_text=True)
    assert "<p>Module text.</p>" in page  # the stored, sanitised HTML as is
    assert "5 min read" in page
    assert f'rel="next" href="{module_url(course, policy)}"' in page
    assert 'rel="prev"' not in page
    assert "Take the quiz" in page and "3 questions" in page
    policy_page = client.get(module_url(course, policy)).get_data(as_text=True)
    assert f'rel="prev" href="{module_url(course, lesson)}"' in policy_page
    assert "I have read and understood" in policy_page


def test_opening_a_module_records_the_first_visit_and_starts_the_assignment(client, session, ada):
    user, course = ada
    lesson = course.active_modules[0]
    client.get(module_url(course, lesson))
    with clock.frozen(NOW + dt.timedelta(hours=1)):
        client.get(module_url(course, lesson))
    session.expire_all()
    visit = session.get(ModuleVisit, (user.id, lesson.current_version_id))
    assert visit.first_seen_at == NOW
    assert session.scalar(select(Assignment)).started_on == NOW.date()


def test_policy_acknowledged_too_early_is_refused_with_the_time_left(client, session, ada):
    _, course = ada
    policy = course.active_modules[1]
    client.get(module_url(course, policy))
    with clock.frozen(NOW + dt.timedelta(seconds=20)):
        response = acknowledge(client, course, policy)
        page = client.get(response.location).get_data(as_text=True)
    assert response.location.endswith("?confirm=yes#acknowledge")  # a GET address, not the POST one
    assert "you can confirm at 09:01:00 UTC, in 40 seconds." in page  # the flash
    # Beside the button: the reason and the time, the box still ticked, the button held back.
    assert re.search(r'<p class="wait-note wait-early" id="read-wait"[^>]*>Not yet: .*You can confirm at '
                     r'<time datetime="2026-03-02T09:01:00\+00:00">09:01 UTC</time> '
                     r'\(<span class="wait-left">in 40 seconds</span>\)', page)
    assert re.search(r'id="confirm" name="confirm" value="yes" required checked', page)
    assert re.search(r'id="confirm-button" disabled', page)
    assert session.scalar(select(ModuleCompletion)) is None


def test_policy_acknowledged_without_opening_it_is_refused(client, session, ada):
    _, course = ada
    policy = course.active_modules[1]
    response = acknowledge(client, course, policy)
    assert "Please read the module first: you can confirm 60 seconds after you open it." in client.get(
        response.location).get_data(as_text=True)
    assert session.scalar(select(ModuleCompletion)) is None


def test_policy_acknowledged_after_reading_is_recorded_once_with_its_version(client, session, ada):
    _, course = ada
    policy = course.active_modules[1]
    client.get(module_url(course, policy))
    with clock.frozen(NOW + dt.timedelta(seconds=61)):
        acknowledge(client, course, policy)
        acknowledge(client, course, policy)  # a double click
        page = client.get(module_url(course, policy)).get_data(as_text=True)
    completions = session.scalars(select(ModuleCompletion)).all()
    assert len(completions) == 1
    assert completions[0].method == "acknowledgement"
    assert completions[0].module_version_id == policy.current_version_id
    assert completions[0].completed_at == NOW + dt.timedelta(seconds=61)
    assert "You confirmed that you read and understood this" in page


def test_acknowledgement_needs_the_box_ticked_and_the_current_version(client, session, ada):
    _, course = ada
    policy = course.active_modules[1]
    client.get(module_url(course, policy))
    with clock.frozen(NOW + dt.timedelta(minutes=5)):
        unticked = acknowledge(client, course, policy, confirm="")
        assert "Tick “I have read and understood”" in client.get(unticked.location).get_data(as_text=True)
        stale = acknowledge(client, course, policy, version="12345")
        assert "updated while you were reading" in client.get(stale.location).get_data(as_text=True)
    assert session.scalar(select(ModuleCompletion)) is None


def test_course_page_ticks_done_modules_and_links_the_next(client, session, ada):
    _, course = ada
    lesson, policy = course.active_modules
    client.get(module_url(course, policy))
    with clock.frozen(NOW + dt.timedelta(minutes=2)):
        acknowledge(client, course, policy)
        page = client.get(f"/courses/{course.slug}").get_data(as_text=True)
    assert "1 of 2 modules done" in page
    assert page.count('class="outline-item done"') == 1
    assert f'href="{module_url(course, lesson)}">Continue with' in page


@pytest.mark.parametrize("path", ["/courses/nope", "/courses/{slug}/nope", "/courses/nope/module-1"])
def test_unknown_courses_and_modules_are_not_found(client, ada, path):
    _, course = ada
    assert client.get(path.format(slug=course.slug)).status_code == 404


def test_retired_course_is_not_found(client, session, ada):
    _, course = ada
    course.retired_at = NOW
    session.commit()
    assert client.get(f"/courses/{course.slug}").status_code == 404
