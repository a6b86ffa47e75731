"""Exports: formula injection neutralised, completion matrix and audit evidence contents."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from tests.compliance.helpers import complete_course, require, sync
from tests.factories import make_course, make_user, publish_version
from tests.reports.dataset import TODAY, assign, build_org
from trainer.compliance.status import Thresholds
from trainer.models import Assignment
from trainer.reports.exports import assignment_list, audit_evidence, completion_matrix
from trainer.reports.filters import ReportFilter
from trainer.reports.streaming import csv_chunks, json_chunks, neutralise

D = dt.date
T = Thresholds()


@pytest.mark.parametrize(("cell", "written"), [
    ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"),
    ("+1+2", "'+1+2"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"), ("\rcmd", "'\rcmd"),
    ("Ada Lovelace", "Ada Lovelace"), ("a=b", "a=b"), ("", ""), (42, "42"), (-5, "-5"), (None, ""),
    (D(2026, 6, 15), "2026-06-15"), (True, "true"),
    (dt.datetime(2026, 6, 15, 9, 30, tzinfo=dt.UTC), "2026-06-15T09:30:00+00:00"),
])
def test_cells_a_spreadsheet_would_run_are_neutralised(cell, written):
    text = "".join(csv_chunks(["cell"], [[cell]]))
    assert next(csv.reader(io.StringIO(text.split("\r\n", 1)[1]))) == [written]


def test_neutralise_one_value():
    assert neutralise("=1+1") == "'=1+1" and neutralise("ok") == "ok"


def read_csv(export):
    return list(csv.reader(io.StringIO("".join(export.chunks))))


def test_csv_is_written_in_batches_of_rows():
    chunks = list(csv_chunks(["n"], ([i] for i in range(1200)), batch=500))
    assert len(chunks) == 3
    assert "".join(chunks).count("\r\n") == 1201


def test_json_stream_is_one_valid_document():
    sections = [("a", iter([{"x": 1}, {"x": 2}])), ("b", iter([]))]
    text = "".join(json_chunks({"as_of": D(2026, 6, 15)}, sections))
    assert json.loads(text) == {"as_of": "2026-06-15", "a": [{"x": 1}, {"x": 2}], "b": []}


def test_completion_matrix_has_a_row_per_active_person_and_columns_per_course(session):
    org = build_org(session)
    org.sid.name = "=cmd|' /C calc'!A0"
    org.sara.employee_id = "E-0042"
    session.commit()
    rows = read_csv(completion_matrix(session, "csv", ReportFilter(), TODAY, T))
    header, body = rows[0], rows[1:]
    assert header[:7] == ["as_of", "employee_id", "email", "name", "department", "job_role",
                          "manager_email"]
    assert header[7:12] == ["course-a status", "course-a pending", "course-a due_on",
                            "course-a completed_on", "course-a expires_on"]
    assert {r[0] for r in body} == {"2026-06-15"}
    # By name ("=" sorts first); Vic has left.
    assert [r[2] for r in body] == ["sid@example.com", "sam@example.com", "sara@example.com",
                                    "ugo@example.com", "uma@example.com"]
    sara = dict(zip(header, body[2], strict=True))
    assert (sara["employee_id"], sara["manager_email"]) == ("E-0042", "sam@example.com")
    assert (sara["course-a status"], sara["course-a due_on"], sara["course-b status"]) == (
        "overdue", "2026-06-01", "due_soon")
    assert body[0][3] == "'=cmd|' /C calc'!A0"  # neutralised
    uma = dict(zip(header, body[4], strict=True))
    # Uma's refresher of course B is open: pending, and no expiry date on an open cycle.
    assert (uma["course-b status"], uma["course-b pending"], uma["course-b expires_on"]) == (
        "expiring", "refresher", "")
    assert uma["course-a expires_on"] == "2027-03-01"


def test_completion_matrix_json_and_filters(session):
    org = build_org(session)
    export = completion_matrix(session, "json", ReportFilter(department_id=org.support_id), TODAY, T)
    document = json.loads("".join(export.chunks))
    assert export.filename == "completion-as-of-2026-06-15.json"
    assert document["as_of"] == "2026-06-15"
    assert [c["slug"] for c in document["courses"]] == ["course-a", "course-b"]
    people = {p["email"]: p for p in document["employees"]}
    assert set(people) == {"uma@example.com", "ugo@example.com"}
    assert people["uma@example.com"]["courses"]["course-b"]["status"] == "expiring"
    overdue_only = completion_matrix(session, "csv", ReportFilter(status="overdue"), TODAY, T)
    assert [r[2] for r in read_csv(overdue_only)[1:]] == ["sara@example.com", "ugo@example.com"]


def test_overdue_export_lists_days_overdue_and_manager(session):
    build_org(session)
    rows = read_csv(assignment_list(session, "csv", ReportFilter(status="overdue"), TODAY, T,
                                    name="overdue", overdue_first=True))
    header = rows[0]
    found = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    assert [(r["email"], r["days_overdue"], r["manager_email"]) for r in found] == [
        ("ugo@example.com", "45", ""), ("sara@example.com", "14", "sam@example.com")]


def evidence_rows(session, filters, start, end):
    rows = read_csv(audit_evidence(session, "csv", filters, start, end, TODAY))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_evidence_says_who_completed_which_version_when_with_what_score(session):
    course = make_course(session, slug="breach", modules=2)
    ada = make_user(session, email="ada@example.com", department="Sales")
    bob = make_user(session, email="bob@example.com", department="Support")
    require(session, course)
    sync(session, D(2026, 1, 5))
    complete_course(session, ada, course, D(2026, 1, 20))
    publish_version(session, course.modules[0], change="minor")
    complete_course(session, bob, course, D(2026, 3, 2))
    rows = evidence_rows(session, ReportFilter(), D(2026, 1, 1), D(2026, 1, 31))
    assert [(r["kind"], r["email"], r["module"], r["version"]) for r in rows] == [
        ("module", "ada@example.com", "module-1", "1"), ("module", "ada@example.com", "module-2", "1"),
        ("course", "ada@example.com", "", "")]
    assert (rows[0]["score"], rows[0]["method"]) == ("100", "quiz")
    assert rows[0]["completed"].startswith("2026-01-20T")
    assert rows[2]["certificate"] and rows[2]["expires_on"] == "2027-01-20"
    march = evidence_rows(session, ReportFilter(), D(2026, 3, 1), D(2026, 3, 31))
    assert {(r["email"], r["module"], r["version"]) for r in march if r["kind"] == "module"} == {
        ("bob@example.com", "module-1", "2"), ("bob@example.com", "module-2", "1")}
    sales_only = evidence_rows(session, ReportFilter(scope=frozenset({ada.department_id})),
                               D(2026, 1, 1), D(2026, 12, 31))
    assert {r["email"] for r in sales_only} == {"ada@example.com"}


def test_evidence_json_has_module_and_course_completions(session):
    course = make_course(session, modules=1)
    ada = make_user(session)
    require(session, course)
    sync(session, D(2026, 1, 5))
    complete_course(session, ada, course, D(2026, 1, 20))
    export = audit_evidence(session, "json", ReportFilter(), D(2026, 1, 20), D(2026, 1, 20), TODAY)
    document = json.loads("".join(export.chunks))
    assert document["from"] == document["to"] == "2026-01-20"
    assert document["as_of"] == "2026-06-15"
    assert document["module_completions"][0]["version"] == 1
    assert document["course_completions"][0]["cycle"] == 1
    assert export.filename == "evidence-2026-01-20-to-2026-01-20-as-of-2026-06-15.json"


def test_assignment_list_says_which_update_is_pending_and_why(session):
    org = build_org(session)
    org.sam.employee_id = "E-7"
    session.query(Assignment).filter_by(user_id=org.sam.id, course_id=org.course_a.id, cycle=2).update(
        {"current": False})
    delta = assign(session, org.sam, org.course_a, reason="major_change", cycle=3, due=D(2026, 7, 1),
                   started=D(2026, 6, 10), expires=D(2027, 1, 10))
    delta.change_note = "Breach hotline changed."
    session.commit()
    export = assignment_list(session, "csv", ReportFilter(course_id=org.course_a.id), TODAY, T)
    assert export.filename == "assignments-as-of-2026-06-15.csv"
    rows = read_csv(export)
    found = {r["email"]: r for r in (dict(zip(rows[0], row, strict=True)) for row in rows[1:])}
    sam = found["sam@example.com"]
    assert (sam["as_of"], sam["employee_id"], sam["status"]) == ("2026-06-15", "E-7", "update_pending")
    assert sam["pending"] == "major change: Breach hotline changed."
    assert sam["expires_on"] == ""  # carried over, but the cycle is not complete
    assert found["uma@example.com"]["expires_on"] == "2027-03-01"
    assert found["sara@example.com"]["pending"] == ""
