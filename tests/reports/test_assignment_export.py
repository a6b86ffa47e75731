"""The assignment export (the overdue list, the lists behind dashboard numbers) writes its CSV
from the database's rows with status, pending update, days overdue and the neutralising of
formula-like cells done in the SELECT (COPY on PostgreSQL). It must write byte for byte what
the Python rules give for the same rows: `python_rules_csv` below is that reference."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata

import pytest
from sqlalchemy import String, literal, select, text

from tests.factories import make_course, make_user
from tests.reports.dataset import TODAY, assign, build_org
from trainer.compliance.status import REOPENED_REASONS, Thresholds, pending_update, pending_update_sql
from trainer.models import Assignment
from trainer.reports.assignments import overdue_filter
from trainer.reports.exports import (
    ASSIGNMENT_COLUMNS,
    _assignment_csv_query,
    assignment_list,
    assignment_list_rows,
)
from trainer.reports.filters import ReportFilter
from trainer.reports.streaming import (
    FORMULA_FIRST_CHARACTERS,
    FORMULA_TRIGGERS,
    _crlf_row_ends,
    csv_chunks,
    csv_query_chunks,
    neutral_sql,
    neutralise,
)

D = dt.date
T = Thresholds()
DAY = dt.timedelta(days=1)


def python_rules_csv(session, filters, today, thresholds, *, overdue_first=False):
    """The export as the Python rules write it, row by row (what the export did before it
    moved the rules into its SELECT; the JSON records still do)."""
    rows = assignment_list_rows(session, filters, today, thresholds, overdue_first)
    return "".join(csv_chunks(ASSIGNMENT_COLUMNS, rows))


# Names a spreadsheet would run, that a CSV writer must quote, and that are merely unusual.
AWKWARD = ["=cmd|' /C calc'!A0", "+1+2", "-2", "@SUM(A1)", "\tTabbed", "\rReturned", "\uff1dFull",
           "\ufe62Small", "\u2a75Double", "\ufe66\u0338Composed", "Zoë Ünïcode 東京", "Smith, \"Jo\"",
           "Line\nbreak", "Crlf\r\ninside", "a=b", "  spaced  ", "'quoted already", "\\.", ""]


def build_awkward_org(session):
    """build_org, plus people with awkward names, departments, managers and courses, and
    assignments on every status boundary around TODAY."""
    org = build_org(session)
    course = make_course(session, slug="course-c", title="=Course, \"C\"\nsecond line", modules=1)
    boss = make_user(session, name="@Boss, \"the\"", email="+boss@example.com", department="-Dept\n2")
    people = []
    for i, name in enumerate(AWKWARD):
        person = make_user(session, name=name, email=f"p{i}@example.com", department=AWKWARD[-1 - i] or None,
                           manager=boss if i % 2 else None)
        person.employee_id = AWKWARD[(i + 3) % len(AWKWARD)]  # one is the empty string
        people.append(person)
    boundaries = [
        dict(due=TODAY), dict(due=TODAY - DAY), dict(due=TODAY + DAY),
        dict(due=TODAY + dt.timedelta(days=T.due_soon_days)),
        dict(due=TODAY + dt.timedelta(days=T.due_soon_days + 1)),
        dict(due=TODAY + dt.timedelta(days=40), started=TODAY - DAY),
        dict(due=TODAY - dt.timedelta(days=400)),
        dict(due=TODAY - DAY, completed=TODAY - dt.timedelta(days=30), expires=TODAY),
        dict(due=TODAY - DAY, completed=TODAY - dt.timedelta(days=30), expires=TODAY - DAY),
        dict(due=TODAY - DAY, completed=TODAY - dt.timedelta(days=30),
             expires=TODAY + dt.timedelta(days=T.expiring_days)),
        dict(due=TODAY - DAY, completed=TODAY - dt.timedelta(days=30),
             expires=TODAY + dt.timedelta(days=T.expiring_days + 1)),
        dict(due=TODAY - DAY, completed=TODAY - dt.timedelta(days=30)),
        dict(due=TODAY + DAY, reason="refresher", expires=TODAY + DAY),
        dict(due=TODAY, reason="major_change", expires=TODAY + DAY),
        dict(due=TODAY + DAY, reason="major_change", expires=TODAY),
        dict(due=TODAY + DAY, reason="regulation_update", expires=TODAY - DAY),
        dict(due=TODAY - DAY, reason="regulation_update", expires=TODAY + DAY),
        dict(due=TODAY + DAY, closed=TODAY - DAY),
        dict(due=TODAY - dt.timedelta(days=3), reason="refresher", completed=TODAY - DAY,
             expires=TODAY + dt.timedelta(days=365)),
    ]
    notes = ["", "Section 3 rewritten.", "=note", "note, with \"quotes\"\nand a line"]
    for i, (person, extra) in enumerate(zip(people, boundaries, strict=False)):
        row = assign(session, person, course, **extra)
        row.change_note = notes[i % len(notes)]
        assign(session, person, org.course_a, due=TODAY - dt.timedelta(days=i))
    session.commit()
    return org, course


def variants(org, course):
    return [
        (ReportFilter(), False, "assignments"),
        (overdue_filter(ReportFilter()), True, "overdue"),
        (ReportFilter(course_id=course.id), False, "assignments"),
        (ReportFilter(scope=frozenset({org.sales_id, org.support_id})), False, "assignments"),
        (ReportFilter(status="overdue", scope=frozenset({org.support_id})), True, "overdue"),
        (ReportFilter(status="due_soon"), False, "assignments"),
        (ReportFilter(department_id=0), False, "assignments"),
    ]


def test_csv_is_byte_for_byte_what_the_python_rules_write(session):
    org, course = build_awkward_org(session)
    for filters, overdue_first, name in variants(org, course):
        for today in (TODAY, TODAY + DAY, TODAY - dt.timedelta(days=30)):
            export = assignment_list(session, "csv", filters, today, T, name=name,
                                     overdue_first=overdue_first)
            written = "".join(export.chunks)
            assert written == python_rules_csv(session, filters, today, T, overdue_first=overdue_first), (
                filters, today)
    everyone = "".join(assignment_list(session, "csv", ReportFilter(), TODAY, T).chunks)
    assert everyone.count("\r\n") > 50  # the awkward rows are there
    assert "'=cmd|' /C calc'!A0" in everyone and "'\uff1dFull" in everyone and "Zoë Ünïcode 東京" in everyone


def test_csv_with_other_thresholds_matches_too(session):
    org, course = build_awkward_org(session)
    other = Thresholds(due_soon_days=1, expiring_days=0)
    for filters, overdue_first, name in variants(org, course):
        export = assignment_list(session, "csv", filters, TODAY, other, name=name,
                                 overdue_first=overdue_first)
        assert "".join(export.chunks) == python_rules_csv(session, filters, TODAY, other,
                                                          overdue_first=overdue_first)


def test_csv_of_an_empty_list_is_the_header(session):
    text = "".join(assignment_list(session, "csv", ReportFilter(), TODAY, T).chunks)
    assert text == ",".join(ASSIGNMENT_COLUMNS) + "\r\n"


def test_json_records_match_the_csv(session):
    """JSON goes through the Python rules; it must say what the CSV says."""
    build_awkward_org(session)
    document = json.loads("".join(assignment_list(session, "json", ReportFilter(), TODAY, T).chunks))
    records = document["assignments"]
    overdue = [r for r in records if r["status"] == "overdue"]
    assert overdue and all(r["days_overdue"] >= 1 for r in overdue)
    pending = {r["pending"] for r in records if r["pending"]}
    assert {p.split(":")[0] for p in pending} == {"major change", "regulation update", "refresher"}


def test_formula_first_characters_are_every_character_nfkc_makes_a_trigger():
    """The list the SQL uses is complete for this Python's Unicode database."""
    computed = {c for c in map(chr, range(0x110000))
                if (n := unicodedata.normalize("NFKC", c)) and n[0] in FORMULA_TRIGGERS}
    assert computed == set(FORMULA_FIRST_CHARACTERS)


def test_neutralising_in_sql_agrees_with_python(session):
    samples = [c + "x" for c in sorted(FORMULA_FIRST_CHARACTERS)] + [
        "x", "Zoë", "'=a", "1", "a=b", " =a", "\u00a0+", "\u2212minus", "\uff14\uff12", "東京", "\n=a"]
    found = session.execute(select(*(neutral_sql(literal(v, String())) for v in samples))).one()
    assert list(found) == [neutralise(v) for v in samples]
    assert session.execute(select(neutral_sql(literal("", String())))).scalar_one() is None


@pytest.mark.parametrize("cell", ["\u2a75x", "\ufe66\u0338x", "\u207a1", "\u208c1"])
def test_cells_starting_with_a_character_nfkc_makes_a_trigger_are_neutralised(cell):
    assert neutralise(cell) == "'" + cell


def test_a_completed_refresher_shows_no_pending_update_in_the_export(session):
    _, course = build_awkward_org(session)
    session.query(Assignment).filter_by(course_id=course.id).update({"completed_on": TODAY - DAY})
    session.commit()
    text = "".join(assignment_list(session, "csv", ReportFilter(course_id=course.id), TODAY, T).chunks)
    assert "major change" not in text and "regulation update" not in text and "refresher" not in text


def test_pending_update_in_sql_agrees_with_python(session):
    course = make_course(session, modules=1)
    person = make_user(session)
    cases = [(reason, completed, note) for reason in ("requirement", "new_hire", *REOPENED_REASONS)
             for completed in (None, TODAY) for note in ("", "Section 3 rewritten.", "=x: y")]
    for cycle, (reason, completed, note) in enumerate(cases, start=1):
        row = assign(session, person, course, cycle=cycle, reason=reason, due=TODAY, completed=completed,
                     current=False)
        row.change_note = note
    session.commit()
    found = session.execute(select(Assignment.reason, Assignment.completed_on, Assignment.change_note,
                                   pending_update_sql())).all()
    assert len(found) == len(cases)
    assert [r[3] for r in found] == [pending_update(r[0], r[1], r[2]) for r in found]
    assert {r[3] for r in found} >= {"refresher", "major change: Section 3 rewritten.", None}


def test_csv_is_the_same_whatever_the_batch(session):
    """Rows leave the cursor (or COPY) in batches; quoted cells spanning lines and the CRLF
    row ends must come out the same whatever the batch boundaries."""
    build_awkward_org(session)
    query = _assignment_csv_query(ReportFilter(), TODAY, T, False)
    whole = "".join(csv_query_chunks(session, ASSIGNMENT_COLUMNS, query))
    for batch in (1, 2, 7):
        chunks = list(csv_query_chunks(session, ASSIGNMENT_COLUMNS, query, batch=batch))
        assert "".join(chunks) == whole
        assert len(chunks) > 40 // batch


def test_copy_row_ends_become_crlf_outside_quoted_cells_only():
    copy = b'a,"b\nc",d\n"x ""y""\nz",2\nplain,row\n'
    expected = b'a,"b\nc",d\r\n"x ""y""\nz",2\r\nplain,row\r\n'
    for cut in range(len(copy) + 1):
        head, inside = _crlf_row_ends(copy[:cut], False)
        tail, inside = _crlf_row_ends(copy[cut:], inside)
        assert head + tail == expected and not inside, cut


def test_dates_are_iso_whatever_the_servers_date_style(session):
    """COPY writes dates in the server's DateStyle; the export asks for ISO."""
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("DateStyle is PostgreSQL's")
    build_org(session)
    expected = python_rules_csv(session, ReportFilter(), TODAY, T)
    session.execute(text("SET LOCAL DateStyle = 'SQL, DMY'"))
    assert "".join(assignment_list(session, "csv", ReportFilter(), TODAY, T).chunks) == expected
