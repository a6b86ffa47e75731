"""HR pages: the dashboard's numbers and the lists behind them, employee pages, exports,
department scope by URL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from sqlalchemy import select, update

from tests.factories import make_user
from tests.reports.dataset import TODAY, assign, build_org
from trainer import clock
from trainer.models import (
    Assignment,
    AuditEvent,
    ModuleCompletion,
    Notification,
    QuizAttempt,
    User,
    hr_scope,
)

D = dt.date


@pytest.fixture
def org(session):
    return build_org(session)


@pytest.fixture
def hr(session, auth):
    def sign_in(*, scope=None):
        user = make_user(session, email="hr@example.com", roles=("hr",), department="People")
        user.hr_all_departments = scope is None
        for department_id in scope or ():
            session.execute(hr_scope.insert().values(user_id=user.id, department_id=department_id))
        session.commit()
        auth.login("hr@example.com")
        return user
    return sign_in


@pytest.fixture(autouse=True)
def frozen_today():
    with clock.frozen(TODAY):
        yield


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def listed(html):
    return int(re.search(r"(\d+) current assignments?", html).group(1))


def test_dashboard_shows_the_figures_and_every_number_links_to_its_list(org, hr, client):
    hr()
    html = page(client, "/hr/")
    assert '<p class="figure-value">40%</p>' in html
    assert '<a href="/hr/assignments?status=compliant">4</a> of <a href="/hr/assignments">10</a>' in html
    assert '<a href="/hr/overdue">2</a>' in html
    assert "due within 14 days" in html and "expiring within 30 days" in html
    sales = f"department={org.sales_id}"
    assert f'<a href="/hr/assignments?department={org.sales_id}&amp;status=compliant">2</a>' in html
    assert f'<a href="/hr/overdue?department={org.sales_id}">1</a>' in html
    assert '<rect class="bar-fill" width="33" height="10">' in html  # Sales: 33%
    # The lists behind the numbers hold exactly that many rows.
    assert listed(page(client, "/hr/assignments?status=compliant")) == 4
    assert listed(page(client, f"/hr/assignments?{sales}&status=compliant")) == 2
    assert "2 overdue assignments" in page(client, "/hr/overdue")
    assert "1 overdue assignment," in page(client, f"/hr/overdue?{sales}")
    for href in re.findall(r'<td class="number"><a href="([^"]+)">(\d+)</a>', html):
        assert href  # each breakdown number is a link


def test_update_pending_is_a_compliant_figure_with_its_list_and_change_note(org, hr, client, session):
    # Sam's course A was reopened by a major change on 10 June, due 10 July.
    session.execute(update(Assignment).where(Assignment.user_id == org.sam.id,
                                             Assignment.course_id == org.course_a.id).values(current=False))
    assign(session, org.sam, org.course_a, cycle=3, reason="major_change", due=D(2026, 7, 10),
           assigned=D(2026, 6, 10), started=D(2026, 6, 10), expires=D(2027, 1, 10))
    session.execute(update(Assignment).where(Assignment.cycle == 3).values(
        change_note="Breach hotline changed."))
    session.commit()
    hr()
    html = page(client, "/hr/")
    assert '<p class="figure-value">40%</p>' in html  # unchanged: still compliant
    assert ('Update pending</p>\n    <p class="figure-value">'
            '<a href="/hr/assignments?status=update_pending">1</a>') in html
    listing = page(client, "/hr/assignments?status=update_pending")
    assert listed(listing) == 1 and "Sam Sales" in listing
    assert "Pending: major change: Breach hotline changed." in listing
    assert "Breach hotline changed." in page(client, f"/hr/employees/{org.sam.id}")


def test_dashboard_filters_and_trend(org, hr, client):
    hr()
    html = page(client, f"/hr/?manager={org.sam.id}")
    assert '<p class="figure-value">0%</p>' in html
    assert '<svg class="trend"' in html and "Today" in html
    assert "Figures behind the chart" in html


def test_overdue_list_shows_days_overdue_and_manager_longest_first(org, hr, client):
    hr()
    html = page(client, "/hr/overdue")
    assert html.index("Ugo Support") < html.index("Sara Sales")
    assert '<td class="number">45</td>' in html and '<td class="number">14</td>' in html
    assert "sam@example.com" in html


def people_listed(html):
    return set(re.findall(r'<td><a href="/hr/employees/\d+">([^<]+)</a>', html))


def test_employee_list_filters_by_status_course_manager_and_text(org, hr, client):
    hr()
    assert people_listed(page(client, "/hr/employees?status=overdue")) == {"Sara Sales", "Ugo Support"}
    assert people_listed(page(client, f"/hr/employees?manager={org.sam.id}")) == {"Sara Sales", "Sid Sales"}
    assert "2 people" in page(client, f"/hr/employees?course={org.course_a.id}&status=completed")
    assert "1 person" in page(client, "/hr/employees?q=UGO")
    assert "Vic Gone" not in people_listed(page(client, "/hr/employees"))  # deactivated


def test_employee_page_shows_the_evidence(org, hr, client, session):
    hr()
    version = org.course_a.modules[0].current_version
    session.add(QuizAttempt(user_id=org.sara.id, module_version_id=version.id, token="t1", seed=1,
                            question_ids=["q1"], answers={}, score=33, passed=False,
                            started_at=clock.now(), submitted_at=clock.now()))
    session.add(ModuleCompletion(user_id=org.sara.id, module_id=version.module_id,
                                 module_version_id=version.id, completed_at=clock.now(), method="quiz",
                                 score=100))
    session.add(Notification(user_id=org.sara.id, kind="overdue", dedupe_key="k1", created_at=clock.now(),
                             sent_at=clock.now()))
    session.commit()
    html = page(client, f"/hr/employees/{org.sara.id}")
    assert "badge-overdue" in html and "14 days" in html
    assert "badge-failed" in html and "version 1" in html
    assert "overdue" in html and "this person" in html
    assert f'href="/hr/employees/{org.sam.id}"' in html  # her manager


def test_hr_of_sales_cannot_see_or_export_support_by_url(org, hr, client, session):
    hr(scope=[org.sales_id])
    dashboard = page(client, "/hr/")
    assert "Support" not in dashboard and '<p class="figure-value">33%</p>' in dashboard
    assert client.get(f"/hr/employees/{org.uma.id}").status_code == 404
    assert client.get(f"/hr/employees/{org.sara.id}").status_code == 200
    assert listed(page(client, f"/hr/assignments?department={org.support_id}")) == 0
    assert people_listed(page(client, "/hr/employees")) == {"Sam Sales", "Sara Sales", "Sid Sales"}
    assert "Ugo" not in page(client, "/hr/overdue")
    for url in ("/hr/exports/completion", f"/hr/exports/completion?department={org.support_id}",
                "/hr/exports/overdue?format=json", "/hr/exports/assignments",
                "/hr/exports/evidence?from=2020-01-01&to=2030-01-01"):
        body = client.get(url).get_data(as_text=True)
        assert "uma@" not in body and "ugo@" not in body, url
    assert "sara@example.com" in client.get("/hr/exports/completion").get_data(as_text=True)


def test_exports_stream_and_are_audited(org, hr, client, session):
    hr()
    response = client.get(f"/hr/exports/completion?department={org.sales_id}")
    assert response.is_streamed
    assert response.headers["Content-Disposition"] == 'attachment; filename="completion-as-of-2026-06-15.csv"'
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert [r[2] for r in rows[1:]] == ["sam@example.com", "sara@example.com", "sid@example.com"]
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "report.exported"))
    hr_user = session.scalar(select(User).where(User.email == "hr@example.com"))
    assert (event.actor_label, event.actor_id) == ("user", hr_user.id)
    assert event.details == {"report": "completion", "format": "csv",
                             "filters": {"department": org.sales_id, "scope": "all"}}


def test_export_view_returns_a_generator(org, hr, app):
    from types import GeneratorType

    from flask_login import login_user

    from trainer.extensions import db
    from trainer.models import User
    from trainer.web.hr.exports import export_completion

    hr()
    with app.test_request_context("/hr/exports/completion"):
        login_user(db.session.scalar(select(User).where(User.email == "hr@example.com")))
        response = export_completion()
        assert isinstance(response.response, GeneratorType)
        first = next(response.response)
        assert first.startswith("as_of,employee_id,email,name,department")
        response.close()


def test_bad_evidence_dates_are_explained(org, hr, client):
    hr()
    response = client.get("/hr/exports/evidence?from=yesterday", follow_redirects=True)
    assert "&#39;yesterday&#39; is not a date: use YYYY-MM-DD." in response.get_data(as_text=True)
    response = client.get("/hr/exports/evidence?from=2026-02-01&to=2026-01-01", follow_redirects=True)
    assert "The start date is after the end date." in response.get_data(as_text=True)


def test_employees_cannot_reach_hr_pages(org, client, auth):
    auth.login("sara@example.com")
    urls = ("/hr/", "/hr/employees", f"/hr/employees/{org.sam.id}", "/hr/exports/completion", "/hr/import")
    for url in urls:
        response = client.get(url)
        response.close()
        assert response.status_code == 403, url


def test_hr_with_no_department_ticked_sees_nobody(session, client, auth, org):
    user = make_user(session, email="hr@example.com", roles=("hr",), department="People", hr_departments=[])
    session.commit()
    auth.login(user.email)
    page = client.get("/hr/employees").get_data(as_text=True)
    assert "sam@example.com" not in page and "uma@example.com" not in page
    assert client.get(f"/hr/employees/{org.sam.id}").status_code == 404
