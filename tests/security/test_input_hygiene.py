"""Malformed input gets a clear 4xx, never a 500: integers out of range or in other scripts,
API cursors and dates that overflow, url_for's own names in query strings; 405 keeps Allow,
API answers are never cached, CSV cells are neutralised after NFKC."""

from __future__ import annotations

import base64
import datetime as dt

import pytest

from tests.factories import make_user
from tests.web.test_api import bearer
from trainer.ints import MAX_INT, parse_int
from trainer.reports.streaming import neutralise


def cursor(payload: str) -> str:
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


@pytest.mark.parametrize(("text", "expected"), [
    ("0", 0), ("42", 42), (str(MAX_INT), MAX_INT), (str(MAX_INT + 1), None), ("²", None),
    ("٣", None), ("-1", None), ("+1", None), (" 1", None), ("1\n", None), ("", None), (None, None),
    ("99999999999999999999", None),
])
def test_parse_int_reads_bounded_ascii_digits_only(text, expected):
    assert parse_int(text) == expected


def sign_in(session, auth, *roles):
    make_user(session, email="someone@example.com", roles=roles)
    session.commit()
    assert auth.login("someone@example.com").status_code == 302


@pytest.mark.parametrize("path", [
    "/admin/users/2147483648", "/admin/users/99999999999999999999", "/admin/users/%C2%B2",
    "/admin/requirements/2147483648", "/admin/updates/9223372036854775808",
    "/hr/employees/2147483648", "/me/attempts/2147483648", "/me/certificates/2147483648.pdf",
])
def test_path_integers_beyond_the_column_or_in_other_scripts_are_404(session, auth, client, path):
    sign_in(session, auth, "admin")
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", [
    "department=99999999999999999999", "department=%C2%B2", "course=2147483648", "manager=-5",
    "page=99999999999999999999", "page=%C2%B3", "status=nonsense",
])
def test_report_filters_that_make_no_sense_are_ignored(session, auth, client, query):
    sign_in(session, auth, "hr")
    for page in ("/hr/employees", "/hr/assignments", "/hr/overdue", "/hr/"):
        assert client.get(f"{page}?{query}").status_code == 200, page


def test_admin_lists_ignore_out_of_range_numbers(session, auth, client):
    sign_in(session, auth, "admin")
    for path in ("/admin/?department=99999999999999&page=99999999999999", "/admin/audit?page=1e9",
                 "/admin/mail?page=%C2%B2"):
        assert client.get(path).status_code == 200, path


def test_url_for_names_in_the_query_string_are_not_passed_on(session, auth, client):
    sign_in(session, auth, "admin")
    for name in ("endpoint", "_method", "_external", "_anchor", "_scheme", "values"):
        response = client.get(f"/admin/audit?{name}=x&actor=cli")
        assert response.status_code == 200, name
        assert f"{name}=x" not in response.get_data(as_text=True)
    assert "actor=cli" in client.get("/admin/audit?actor=cli").get_data(as_text=True)  # filters kept


@pytest.mark.parametrize("raw", [
    cursor('{"after": Infinity}'), cursor('{"after": NaN}'), cursor('{"after": 1e400}'),
    cursor('{"after": 1.5}'), cursor('{"after": true}'), cursor('{"after": -1}'),
    cursor('{"after": 99999999999999999999}'), cursor('{"after": "1"}'), cursor("[1]"), "%%%",
])
def test_api_cursors_that_are_not_ours_are_400(session, client, raw):
    response = client.get(f"/api/v1/employees?cursor={raw}", headers=bearer(session))
    assert response.status_code == 400
    assert response.json["message"] == "The cursor is not one this API gave out."


@pytest.mark.parametrize("since", [
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "0001-01-01", "9999-12-31T23:59:59",
    "1899-12-31T00:00:00Z", "2026-13-01", "yesterday",
])
def test_api_since_at_the_edges_of_the_date_range_is_400(session, client, since):
    headers = bearer(session)
    for path in ("/api/v1/changes/assignments", "/api/v1/changes/completions"):
        response = client.get(path, query_string={"since": since}, headers=headers)
        assert response.status_code == 400, (path, since)


def test_api_since_inside_the_range_is_accepted(session, client):
    headers = bearer(session)
    assert client.get("/api/v1/changes/completions", query_string={"since": "1900-01-01T00:00:00+14:00"},
                      headers=headers).status_code == 200


@pytest.mark.parametrize(("query", "status"), [
    ("include_inactive=AAA", 400), ("include_inactive=true", 200), ("include_inactive=false", 200),
    ("limit=%C2%B2", 400), ("limit=0", 400), ("limit=501", 400), ("limit=500", 200),
])
def test_api_query_parameters_match_the_openapi_file(session, client, query, status):
    assert client.get(f"/api/v1/employees?{query}", headers=bearer(session)).status_code == status


@pytest.mark.parametrize("ref", ["%C2%B2", "2147483648", "99999999999999999999"])
def test_api_employee_refs_beyond_any_id_are_404(session, client, ref):
    response = client.get(f"/api/v1/employees/{ref}/completion", headers=bearer(session))
    assert response.status_code == 404


def test_405_keeps_the_allow_header(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    api = client.delete("/api/v1/employees")
    assert api.status_code == 405 and "GET" in api.headers["Allow"]


def test_api_answers_are_never_cached(session, client):
    headers = bearer(session)
    for path, status in [("/api/v1/employees", 200), ("/api/v1/nothing-here", 404)]:
        response = client.get(path, headers=headers)
        assert response.status_code == status
        assert response.headers["Cache-Control"] == "no-store", path
    assert client.get("/api/v1/employees").headers["Cache-Control"] == "no-store"  # 401 too


# Full-width = + - @ and the small = and + (escaped: they look like their ASCII twins).
@pytest.mark.parametrize("cell", ["\uff1d1+1", "\ufe661+1", "\uff0bcmd", "\ufe62cmd", "\uff0d1",
                                  "\uff20SUM(A1)"])
def test_csv_neutralising_sees_full_width_formula_triggers(cell):
    assert neutralise(cell) == "'" + cell


def test_csv_leaves_ordinary_text_alone():
    assert neutralise("Zoë") == "Zoë" and neutralise("\uff14\uff12 items") == "\uff14\uff12 items"
    assert neutralise(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)).startswith("2026-01-01T")


def test_a_course_slug_with_a_trailing_newline_is_refused(tmp_path):
    from trainer.content.tree import SLUG

    assert SLUG.fullmatch("privacy-basics") and not SLUG.fullmatch("privacy-basics\n")


@pytest.mark.parametrize("flag", ["dry_run", "deactivate_missing", "skip_bad_rows"])
@pytest.mark.parametrize("value", [{}, "true", 1, None])
def test_api_sync_flags_must_be_booleans(session, client, flag, value):
    response = client.post("/api/v1/employees/sync", json={"employees": [], flag: value},
                           headers=bearer(session, "sync"))
    assert response.status_code == 400 and flag in response.json["message"]
