"""Acknowledgements in the browser and the API: the pages, the employee page, the transcript,
"remind the outstanding", the evidence export."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import make_user
from tests.reports.test_acknowledgements import acks  # noqa: F401  (the fixture)
from trainer import clock
from trainer.audit import Actor
from trainer.models import AuditEvent, Notification, User
from trainer.people.api_tokens import create_token

D = dt.date
TODAY = D(2026, 3, 16)


@pytest.fixture
def hr(session, auth, acks):  # noqa: F811
    make_user(session, email="hr@example.com", name="Hana HR", department="People", roles=("hr",))
    session.commit()
    auth.login("hr@example.com")


def test_the_overview_links_each_count_to_its_list(client, hr, acks):  # noqa: F811
    with clock.frozen(TODAY):
        page = client.get("/hr/acknowledgements").get_data(as_text=True)
        update_list = client.get(f"/hr/acknowledgements/updates/{acks['update'].id}?status=overdue")
    assert "GDPR Art. 33: New breach rule" in page
    assert f'/hr/acknowledgements/updates/{acks["update"].id}?status=overdue">1</a>' in page
    policy_id = acks["policy"].current_version_id
    assert f'/hr/acknowledgements/policies/{policy_id}?status=overdue">2</a>' in page
    listed = update_list.get_data(as_text=True)
    assert "Bob" in listed and ">Ann<" not in listed


def test_remind_the_outstanding_from_the_page(session, client, hr, acks):  # noqa: F811
    url = f"/hr/acknowledgements/updates/{acks['update'].id}"
    with clock.frozen(TODAY):
        page = client.get(url).get_data(as_text=True)
        assert "Remind the outstanding" in page
        form = {"csrf_token": csrf_token(client, url)}
        response = client.post(f"{url}/remind", data=form, follow_redirects=True)
        again = client.post(f"{url}/remind", data=form, follow_redirects=True)
    assert "Reminded 1 person." in response.get_data(as_text=True)
    assert "Reminded 0 people. 1 had already been reminded today." in again.get_data(as_text=True)
    assert [n.user_id for n in session.scalars(select(Notification))] == [acks["Bob"].id]
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "acknowledgements.reminded"))
    assert event.actor_id == session.scalar(select(User.id).where(User.email == "hr@example.com"))
    assert (event.target_type, event.details) == ("RegulationUpdate", {"reminded": 1, "already_today": 0})


def test_the_policy_page_reminds_within_the_filter(session, client, hr, acks):  # noqa: F811
    version_id = acks["policy"].current_version_id
    support = acks["Dan"].department_id
    url = f"/hr/acknowledgements/policies/{version_id}"
    with clock.frozen(D(2026, 2, 5)):
        client.post(f"{url}/remind?department={support}", data={"csrf_token": csrf_token(client, url)})
    reminded = [(n.user_id, n.kind) for n in session.scalars(select(Notification))]
    assert reminded == [(acks["Dan"].id, "overdue")]


def test_an_auditor_reads_the_pages_but_cannot_remind(session, client, auth, acks):  # noqa: F811
    auditor = make_user(session, email="aud@example.com", department=None, roles=("auditor",))
    session.commit()
    auth.login(auditor.email)
    url = f"/hr/acknowledgements/updates/{acks['update'].id}"
    with clock.frozen(TODAY):
        page = client.get(url)
        assert page.status_code == 200 and "Remind the outstanding" not in page.get_data(as_text=True)
        assert client.post(f"{url}/remind", data={"csrf_token": csrf_token(client, url)}).status_code == 403


def test_the_employee_page_and_the_transcript_list_acknowledgements(session, client, auth, hr, acks):  # noqa: F811
    with clock.frozen(TODAY):
        page = client.get(f"/hr/employees/{acks['Bob'].id}").get_data(as_text=True)
    assert "Regulation update: GDPR Art. 33: New breach rule" in page and "Overdue" in page
    auth.logout()
    auth.login(acks["Ann"].email)
    transcript = client.get("/me/transcript").get_data(as_text=True)
    assert "Acknowledgements" in transcript and "10 Mar 2026" in transcript


def test_the_evidence_export_has_update_acknowledgements(client, hr, acks):  # noqa: F811
    with clock.frozen(TODAY):
        body = client.get("/hr/exports/evidence?from=2026-03-01&to=2026-03-31").get_data(as_text=True)
    rows = [r for r in csv.DictReader(io.StringIO(body)) if r["kind"] == "update_acknowledgement"]
    assert [(r["email"], r["module_title"], r["method"]) for r in rows] == [
        ("ann@example.com", "GDPR Art. 33: New breach rule", "acknowledgement")]


def test_the_api_gives_counts_and_people(session, client, acks):  # noqa: F811
    secret = create_token(session, Actor.cli(), name="HRIS", scopes=["read"]).plain
    session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    with clock.frozen(TODAY):
        figures = client.get("/api/v1/acknowledgements", headers=headers).get_json()
        people = client.get(f"/api/v1/acknowledgements/updates/{acks['update'].id}?status=overdue",
                            headers=headers).get_json()
        bad = client.get(f"/api/v1/acknowledgements/updates/{acks['update'].id}?status=late", headers=headers)
        missing = client.get("/api/v1/acknowledgements/policies/999999", headers=headers)
    [update] = figures["regulation_updates"]
    assert (update["acknowledged"], update["outstanding"], update["overdue"]) == (1, 0, 1)
    assert [p["email"] for p in people["data"]] == ["bob@example.com"]
    assert people["data"][0]["due_on"] == "2026-03-15" and people["next_cursor"] is None
    assert bad.status_code == 400 and missing.status_code == 404


def test_the_list_pages_keep_filters_and_ignore_url_for_arguments_in_the_query(
        session, client, hr, acks, monkeypatch):  # noqa: F811
    """One person per page: the next-page link keeps the filters and the update, and a query
    string carrying url_for's own arguments (`endpoint`, `_external`) neither breaks the page
    nor reaches the links."""
    from functools import partial

    from trainer.reports.pagination import paginate_rows
    from trainer.web.hr import acknowledgements as views

    monkeypatch.setattr(views, "paginate_rows", partial(paginate_rows, per_page=1))
    update_id = acks["update"].id
    with clock.frozen(TODAY):
        response = client.get(f"/hr/acknowledgements/updates/{update_id}"
                              "?status=&endpoint=x&_external=1&update_id=999&page=1")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'href="/hr/acknowledgements/updates/{update_id}?page=2" rel="next"' in page
    assert "endpoint=x" not in page and "http://" not in page.split("<main", 1)[-1].split("</main>")[0]
