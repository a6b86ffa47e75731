"""Content review keys of course.md (issue 16.5): parsed, checked, stored, exported, and what
`trainer courses validate` says about them, with the due-date boundaries."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.content.builders import COURSE_MD, course_errors, has_error, write_course
from tests.content.test_cli import CLEAN_LESSON
from trainer import clock
from trainer.audit import Actor
from trainer.content import export_courses, import_courses, parse_course
from trainer.content.canonical import course_text
from trainer.content.review import due_on, file_findings, is_overdue
from trainer.content.tree import load_courses
from trainer.models import Course

HEAD = "---\ntitle: T\nsummary: S\naudience: everyone\n"


def course_md(*lines: str) -> str:
    return HEAD + "".join(f"{line}\n" for line in lines) + "---\nIntro.\n"


def test_the_review_keys_are_read_and_the_owner_lower_cased():
    meta, _ = parse_course(course_md("owner: Ingrid.Larsen@Example.com", "reviewed_on: 2026-11-30",
                                     "review_every_months: 6"))
    assert (meta.owner, meta.reviewed_on, meta.review_every_months) == (
        "ingrid.larsen@example.com", dt.date(2026, 11, 30), 6)


def test_without_the_keys_there_is_no_owner_no_review_and_a_yearly_interval():
    meta, _ = parse_course(course_md())
    assert (meta.owner, meta.reviewed_on, meta.review_every_months) == (None, None, 12)


@pytest.mark.parametrize(("line", "message"), [
    ("reviewed_on: 2026-13-01", "reviewed_on: '2026-13-01' is not a real date (month must be in 1..12)"),
    ("reviewed_on: 2026-02-29", "reviewed_on: '2026-02-29' is not a real date (day is out of range"),
    ('reviewed_on: "2026-12-01"', "reviewed_on: must be a date written YYYY-MM-DD without quotes"),
    ("reviewed_on: 1 December 2026", "reviewed_on: must be a date written YYYY-MM-DD without quotes"),
    ("reviewed_on: 2026-12-01 10:00:00", "reviewed_on: must be a date without a time"),
    ("reviewed_on: 1999-12-31", "reviewed_on: must be between 2000-01-01 and 2099-12-31, not 1999-12-31"),
    ("reviewed_on: 2100-01-01", "reviewed_on: must be between 2000-01-01 and 2099-12-31, not 2100-01-01"),
    ("owner: privacy team", "owner: 'privacy team' is not a valid e-mail address"),
    ("owner: privacy@", "owner: 'privacy@' is not a valid e-mail address"),
    ("owner: [a@example.com]", "owner: must be an e-mail address such as privacy@example.com"),
    ("review_every_months: 0", "review_every_months: must be a whole number from 1 to 120, not 0"),
    ("review_every_months: -3", "review_every_months: must be a whole number from 1 to 120, not -3"),
    ("review_every_months: 121", "review_every_months: must be a whole number from 1 to 120, not 121"),
    ('review_every_months: "12"', "review_every_months: must be a whole number from 1 to 120, not '12'"),
])
def test_a_bad_value_is_an_error_naming_the_key_on_its_line(line, message):
    errors = course_errors(course_md("owner: a@example.com", line) if not line.startswith("owner")
                           else course_md(line))
    line_number = 6 if not line.startswith("owner") else 5
    assert has_error(errors, line_number, message), errors


def test_the_error_names_the_file(tmp_path):
    folder = write_course(tmp_path, course_md=course_md("reviewed_on: 2026-13-01"))
    with pytest.raises(Exception) as failed:
        load_courses(tmp_path)
    assert f"{folder / 'course.md'}:5: reviewed_on: '2026-13-01' is not a real date" in str(failed.value)


@pytest.mark.parametrize("months", [1, 120])
def test_the_interval_bounds_are_allowed(months):
    meta, _ = parse_course(course_md(f"review_every_months: {months}"))
    assert meta.review_every_months == months


def test_course_md_holds_the_keys_only_when_set_and_not_default():
    plain, _ = parse_course(course_md())
    assert "owner" not in course_text(plain, "") and "review" not in course_text(plain, "")
    meta, _ = parse_course(course_md("owner: A@example.com", "reviewed_on: 2026-11-30",
                                     "review_every_months: 12"))
    assert course_text(meta, "").splitlines()[-3:] == [
        "owner: a@example.com", "reviewed_on: 2026-11-30", "---"]
    six, _ = parse_course(course_md("review_every_months: 6"))
    assert "review_every_months: 6" in course_text(six, "")
    assert parse_course(course_text(meta, "")) == (meta, "")


def test_import_stores_the_keys_and_export_writes_them_back(session, tmp_path):
    text = COURSE_MD.replace("reviewed_on: 2026-11-01", "reviewed_on: 2026-11-01\nreview_every_months: 6")
    write_course(tmp_path / "src", course_md=text)
    import_courses(session, tmp_path / "src", Actor.cli())
    course = session.scalar(select(Course))
    assert (course.owner, course.reviewed_on, course.review_every_months) == (
        "owner@example.com", dt.date(2026, 11, 1), 6)
    export_courses(session, tmp_path / "out")
    assert (tmp_path / "out" / "test-course" / "course.md").read_text().split("---")[1].splitlines()[-3:] == [
        "owner: owner@example.com", "reviewed_on: 2026-11-01", "review_every_months: 6"]
    report = import_courses(session, tmp_path / "out", Actor.cli())
    assert [c.action for c in report.courses] == ["unchanged"]


# Due dates and the boundaries


def test_the_review_falls_due_months_after_the_last_one_clamped_to_the_months_end():
    assert due_on(dt.date(2026, 11, 30), 12) == dt.date(2027, 11, 30)
    assert due_on(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert due_on(None, 12) is None


def test_on_the_due_date_a_review_is_due_and_the_day_after_overdue():
    due = dt.date(2027, 11, 30)
    assert not is_overdue(due, dt.date(2027, 11, 30))
    assert is_overdue(due, dt.date(2027, 12, 1))
    assert is_overdue(None, dt.date(2027, 1, 1))  # never reviewed


def findings(tmp_path, text: str, today: dt.date):
    write_course(tmp_path, course_md=text)
    return file_findings(load_courses(tmp_path), today)


def test_validate_finds_nothing_for_a_course_with_an_owner_reviewed_in_time(tmp_path):
    found = findings(tmp_path, COURSE_MD, dt.date(2027, 11, 1))  # reviewed 2026-11-01: due today
    assert found.warnings == [] and found.overdue == []


def test_validate_finds_the_review_overdue_from_the_day_after_it_fell_due(tmp_path):
    found = findings(tmp_path, COURSE_MD, dt.date(2027, 11, 2))
    assert found.warnings == []
    [notice] = found.overdue
    assert notice.line == COURSE_MD.split("\n").index("reviewed_on: 2026-11-01") + 1
    assert notice.message.startswith("the content review is overdue: reviewed on 2026-11-01, due every 12 "
                                     "months, so due on 2027-11-01 (1 day ago)")


def test_a_course_without_owner_or_review_date_gets_warnings(tmp_path):
    text = COURSE_MD.replace("owner: owner@example.com\n", "").replace("reviewed_on: 2026-11-01\n", "")
    found = findings(tmp_path, text, dt.date(2026, 12, 1))
    assert [w.message.split(":")[0] for w in found.warnings] == ["no owner", "no reviewed_on"]
    assert found.overdue == []


# The command


def test_an_overdue_review_is_printed_but_never_fails_strict(runner, tmp_path):
    folder = write_course(tmp_path, modules={"01-clean.md": CLEAN_LESSON})
    with clock.frozen(dt.date(2027, 11, 2)):
        for args in ([], ["--strict"]):
            result = runner.invoke(args=["courses", "validate", *args, str(tmp_path)])
            assert result.exit_code == 0, result.output
            assert result.output.splitlines() == [
                f"{folder / 'course.md'}:6: warning: the content review is overdue: reviewed on 2026-11-01, "
                "due every 12 months, so due on 2027-11-01 (1 day ago); check the course against the law and "
                "set reviewed_on (a reminder, never an error with --strict)",
                "1 course(s), 1 module(s), 4 quiz question(s): no problems found; "
                "1 content review(s) overdue."]


def test_on_the_due_date_validate_says_nothing_about_the_review(runner, tmp_path):
    write_course(tmp_path)
    with clock.frozen(dt.date(2027, 11, 1)):
        result = runner.invoke(args=["courses", "validate", str(tmp_path)])
    assert "review" not in result.output


def test_a_missing_owner_is_a_warning_that_strict_makes_an_error(runner, tmp_path):
    folder = write_course(tmp_path, course_md=COURSE_MD.replace("owner: owner@example.com\n", ""))
    with clock.frozen(dt.date(2026, 12, 1)):
        lenient = runner.invoke(args=["courses", "validate", str(tmp_path)])
        strict = runner.invoke(args=["courses", "validate", "--strict", str(tmp_path)])
    assert lenient.exit_code == 0
    assert f"{folder / 'course.md'}:1: warning: no owner: name the person" in lenient.output
    assert strict.exit_code == 1
    assert f"{folder / 'course.md'}:1: no owner: name the person" in strict.output
