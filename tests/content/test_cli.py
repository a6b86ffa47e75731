"""`trainer courses validate|import|export` through Flask's CLI runner."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.content.builders import COURSE_MD, lesson, write_course
from tests.content.shipped import COURSES, shipped_courses, shipped_modules
from trainer import clock
from trainer.extensions import db
from trainer.models import Course, ModuleVersion

CLEAN_QUIZ = "\n".join(
    f"### Question {n}?\n- [x] Choice {n}a\n- [ ] Choice {n}b\n- [ ] Choice {n}c\n> GDPR Art. {n}.\n"
    for n in range(1, 5))
CLEAN_LESSON = lesson(front="title: Clean\nminutes: 3\nquestions_per_attempt: 2\n", quiz=CLEAN_QUIZ)
WEAK_LESSON = lesson(front="title: Weak\nminutes: 3\nquestions_per_attempt: 2\n",
                     quiz=CLEAN_QUIZ.replace("> GDPR Art. 2.", "> Because."))


@pytest.fixture(autouse=True)
def _before_any_review_falls_due():
    """The test courses were reviewed on 2026-11-01: no review is overdue on this day, so the
    outputs below do not change with the calendar."""
    with clock.frozen(dt.date(2026, 11, 30)):
        yield


def test_validate_prints_a_summary_of_what_it_checked(runner, tmp_path):
    write_course(tmp_path, modules={"01-a.md": CLEAN_LESSON, "02-b.md": CLEAN_LESSON})
    for args in ([], ["--strict"]):
        result = runner.invoke(args=["courses", "validate", *args, str(tmp_path)])
        assert result.exit_code == 0, result.output
        assert result.output == "1 course(s), 2 module(s), 8 quiz question(s): no problems found.\n"


def test_validate_prints_quality_warnings_and_succeeds(runner, tmp_path):
    folder = write_course(tmp_path, modules={"01-weak.md": WEAK_LESSON})
    result = runner.invoke(args=["courses", "validate", str(tmp_path)])
    assert result.exit_code == 0, result.output
    line = WEAK_LESSON.split("\n").index("### Question 2?") + 1
    assert result.output.splitlines() == [
        f"{folder / '01-weak.md'}:{line}: warning: the explanation cites no source: name the article, "
        "section, requirement, guidance or policy rule it rests on (e.g. 'GDPR Art. 33(1)'; "
        "docs/authoring.md lists what counts)",
        "1 course(s), 1 module(s), 4 quiz question(s): 1 warning(s) (--strict makes them errors).",
    ]


def test_validate_strict_turns_quality_warnings_into_errors(runner, tmp_path):
    folder = write_course(tmp_path, modules={"01-weak.md": WEAK_LESSON})
    result = runner.invoke(args=["courses", "validate", "--strict", str(tmp_path)])
    assert result.exit_code == 1
    line = WEAK_LESSON.split("\n").index("### Question 2?") + 1
    assert result.output.splitlines()[0].startswith(f"{folder / '01-weak.md'}:{line}: the explanation cites")
    assert result.output.splitlines()[-1] == (
        "1 problem(s) found. --strict: quiz-quality, reading-time and content-review warnings count as "
        "errors.")


def test_validate_shipped_courses_has_no_errors(runner):
    result = runner.invoke(args=["courses", "validate", str(COURSES)])
    assert result.exit_code == 0, result.output


def test_validate_lists_every_error_as_path_line_message_and_fails(runner, tmp_path):
    folder = write_course(tmp_path, modules={
        "01-a.md": lesson(front="title: A\nminutes: lots\n"),
        "02-b.md": lesson(front="title: B\nminutes: 2\nkind: quiz\n"),
    })
    result = runner.invoke(args=["courses", "validate", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{folder / '01-a.md'}:3: minutes: must be a whole number of at least 1, not 'lots'",
        f"{folder / '02-b.md'}:4: kind: must be one of lesson, policy, not 'quiz'",
        "2 problem(s) found.",
    ]


def test_import_commits_and_reports_each_module(runner, tmp_path, session):
    write_course(tmp_path, modules={"01-a.md": lesson(), "02-b.md": lesson()})
    result = runner.invoke(args=["courses", "import", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "test-course: course created",
        "test-course/a: created (version 1)",
        "test-course/b: created (version 1)",
        "1 course(s) (1 created); 2 module(s) (2 created).",
        "Compliance: 0 reopened after major changes; assignments: 0 assigned, 0 restored, "
        "0 refreshers opened, 0 closed.",
        "Impact: Assigns nobody and reopens nobody's training.",
    ]
    db.session.remove()  # a new session sees only what was committed
    assert db.session.scalar(select(func.count()).select_from(ModuleVersion)) == 2
    again = runner.invoke(args=["courses", "import", str(tmp_path)])
    assert again.output.splitlines()[-2] == "1 course(s) (1 unchanged); 2 module(s) (2 unchanged)."


def test_import_dry_run_saves_nothing(runner, tmp_path, session):
    write_course(tmp_path)
    result = runner.invoke(args=["courses", "import", str(tmp_path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-2:] == [
        "Dry run, nothing saved: 1 course(s) (1 created); 1 module(s) (1 created).",
        "Impact (not applied): Assigns nobody and reopens nobody's training."]
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Course)) == 0


def test_import_with_errors_exits_1_and_imports_nothing(runner, tmp_path, session):
    folder = write_course(tmp_path, modules={"01-a.md": lesson(), "2-b.md": lesson()})
    result = runner.invoke(args=["courses", "import", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{folder / '2-b.md'}: a module file is named NN-slug.md" in result.output
    assert result.output.splitlines()[-1] == "1 problem(s) found. Nothing was imported."
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Course)) == 0


def test_export_writes_files_and_refuses_a_full_folder(runner, tmp_path, session):
    assert runner.invoke(args=["courses", "import", str(COURSES)]).exit_code == 0
    result = runner.invoke(args=["courses", "export", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    courses, modules = len(shipped_courses()), len(shipped_modules())
    assert result.output == f"Exported {courses} course(s) and {modules} module(s) to {tmp_path / 'out'}.\n"
    assert (tmp_path / "out" / "breach-response" / "course.md").is_file()
    again = runner.invoke(args=["courses", "export", str(tmp_path / "out")])
    assert again.exit_code == 1
    assert "is not an empty folder" in again.output


def test_import_defaults_to_the_courses_folder(runner, monkeypatch, session):
    monkeypatch.chdir(COURSES.parent)
    result = runner.invoke(args=["courses", "import", "--dry-run"])
    assert result.exit_code == 0, result.output
    modules = len(shipped_modules())
    assert f"{modules} module(s) ({modules} created)" in result.output.splitlines()[-2]


def test_import_assigns_the_course_to_its_audience_and_a_major_change_reopens_it(
        runner, tmp_path, session):
    from tests.compliance.helpers import complete_course
    from tests.factories import make_user
    from trainer import clock
    from trainer.models import Assignment, Requirement

    people = [make_user(session), make_user(session)]
    session.commit()
    folder = write_course(tmp_path, modules={"01-a.md": lesson(), "02-b.md": lesson()})
    with clock.frozen(clock.today()):
        result = runner.invoke(args=["courses", "import", str(tmp_path)])
    assert "assignments: 2 assigned" in result.output
    requirement = session.scalar(select(Requirement))
    assert requirement.is_course_default and requirement.everyone
    course = session.scalar(select(Course))
    complete_course(session, people[0], course, clock.today())
    session.commit()

    major = lesson(front="title: A\nminutes: 2\nchange: major\nchange_note: New breach rules.\n")
    (folder / "01-a.md").write_text(major)
    result = runner.invoke(args=["courses", "import", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "test-course/a: new version 2 (major)" in result.output
    assert "Compliance: 1 reopened after major changes" in result.output
    session.expire_all()
    reopened = session.scalar(select(Assignment).where(
        Assignment.user_id == people[0].id, Assignment.current.is_(True)))
    assert reopened.reason == "major_change" and reopened.change_note == "New breach rules."


def test_import_dry_run_prints_whom_it_would_assign_and_the_real_run_the_same(runner, tmp_path, session):
    import datetime as dt

    from tests.factories import make_user
    from trainer import clock
    from trainer.models import Assignment

    make_user(session, name="Ada Lovelace", email="ada@example.com")
    make_user(session, name="Bo Berg", email="bo@example.com")
    session.commit()
    write_course(tmp_path, course_md=COURSE_MD.replace("---\nWhat", "due_days: 30\n---\nWhat"))
    today = clock.today()
    due = today + dt.timedelta(days=30)
    expected = (f"Assigns 2 people, reopens 0 people's training, due on {due:%d %b %Y}; e-mails them on "
                f"{today:%d %b %Y}.")
    dry = runner.invoke(args=["courses", "import", "--dry-run", str(tmp_path)])
    assert dry.exit_code == 0, dry.output
    assert f"Impact (not applied): {expected}" in dry.output
    assert f"  assigned: Ada Lovelace <ada@example.com>, Test course, due {due:%d %b %Y}" in dry.output
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 0
    real = runner.invoke(args=["courses", "import", str(tmp_path)])
    assert f"Impact: {expected}" in real.output
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 2
