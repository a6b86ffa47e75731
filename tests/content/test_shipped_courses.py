"""The courses in courses/ are real training: they must validate, import and be substantial."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from trainer.audit import Actor
from trainer.content import import_courses, load_courses
from trainer.models import Course

COURSES = Path(__file__).parents[2] / "courses"


def test_shipped_courses_validate_and_are_substantial():
    courses = load_courses(COURSES)
    modules = [m.module for course in courses for m in course.modules]
    assert len(courses) >= 4
    assert len(modules) >= 12
    for course in courses:
        assert course.meta.regulations, course.slug
        assert course.intro.strip(), course.slug
    for parsed in modules:
        if parsed.meta.kind == "lesson":
            assert len(parsed.questions) >= 5, parsed.meta.title
            assert all(q.explanation for q in parsed.questions)
            assert (parsed.meta.questions_per_attempt or 0) <= len(parsed.questions)
        else:
            assert parsed.questions == []


def test_shipped_courses_import_with_sanitised_html_and_quiz_snapshots(session):
    report = import_courses(session, COURSES, Actor.cli())
    assert set(report.module_actions().values()) == {"created"}
    courses = session.scalars(select(Course)).all()
    assert len(courses) >= 4
    for course in courses:
        assert course.intro_html.startswith("<p>")
        for module in course.modules:
            version = module.current_version
            assert version.body_html.startswith("<h2 id=\"section-")
            assert "<script" not in version.body_html
            for question in version.quiz:
                assert question["explanation_html"].startswith("<p>")
                assert any(choice["correct"] for choice in question["choices"])
            assert len({q["id"] for q in version.quiz}) == len(version.quiz)


# Courses that pass `trainer courses validate --strict`. Each content writer adds its course
# slugs here once they pass; the lead removes the list (checking every course) when it holds
# all of them.
COURSES_REVIEWED: list[str] = [
    "marketing-and-customer-data", "customer-rights-and-consent",
    "breach-response", "privacy-operations", "securing-customer-data",  # content-tracks-b
]


def test_shipped_courses_pass_strict_quality_checks(runner):
    shipped = {folder.name for folder in COURSES.iterdir() if (folder / "course.md").is_file()}
    assert set(COURSES_REVIEWED) <= shipped, "COURSES_REVIEWED names a course that is not in courses/"
    for slug in COURSES_REVIEWED:
        result = runner.invoke(args=["courses", "validate", "--strict", str(COURSES / slug)])
        assert result.exit_code == 0, result.output
