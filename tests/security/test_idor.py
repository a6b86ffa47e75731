"""Another employee's things are not found (404), by id or by token."""

from __future__ import annotations

import pytest

from tests.conftest import csrf_token
from tests.security.conftest import fingerprint


@pytest.mark.parametrize("url_of", [
    lambda w: f"/me/attempts/{w.attempt_id}",
    lambda w: f"/me/certificates/{w.certificate_id}.pdf",
])
def test_employee_b_cannot_open_employee_a_records(world, client, auth, url_of):
    auth.login(world.a.email)
    assert client.get(url_of(world)).status_code == 200
    auth.logout()
    auth.login(world.b.email)
    assert client.get(url_of(world)).status_code == 404


def test_employee_b_cannot_mark_a_notice_or_acknowledge_a_update_of_a(world, client, auth):
    auth.login(world.b.email)
    token = csrf_token(client, "/")
    before = fingerprint()
    assert client.post(f"/me/notifications/{world.notification_id}/read",
                       data={"csrf_token": token}).status_code == 404
    assert client.post(f"/updates/{world.update_id}/acknowledge",
                       data={"csrf_token": token}).status_code == 404
    assert fingerprint() == before


def test_transcript_and_data_export_show_only_the_signed_in_person(world, client, auth):
    auth.login(world.b.email)
    for path in ("/me/transcript", "/me/data", "/me/data.json"):
        page = client.get(path).get_data(as_text=True)
        assert world.a.email not in page and "Employee A" not in page, path


def test_calendar_feed_answers_only_to_the_right_secret(world, client):
    assert client.get("/calendar/calendar-secret-of-employee-a.ics").status_code == 200
    assert client.get("/calendar/calendar-secret-of-employee-b.ics").status_code == 404
    assert client.get("/calendar/CALENDAR-SECRET-OF-EMPLOYEE-A.ics").status_code == 404
