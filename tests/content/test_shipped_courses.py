"""The courses in courses/ are real training: they must validate, import and be substantial."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.content.shipped import COURSES
from tests.factories import import_shipped_courses_and_demo
from trainer.audit import Actor
from trainer.content import import_courses, load_courses
from trainer.demo import STAFF
from trainer.models import Assignment, Course, User


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


# Every shipped course states its legal position date (issue 16).
LAW_AS_OF = re.compile(r"\bLaw as of \d{1,2} (January|February|March|April|May|June|July|August|"
                       r"September|October|November|December) \d{4}\b", re.IGNORECASE)


WAREHOUSE_ROLES = ["Warehouse manager", "Picker and packer", "Returns clerk"]


def loaded_courses():  # type: ignore[no-untyped-def]
    return {course.slug: course for course in load_courses(COURSES)}


def test_shipped_courses_pass_strict_quality_checks(runner):
    result = runner.invoke(args=["courses", "validate", "--strict", str(COURSES)])
    assert result.exit_code == 0, result.output


def test_every_shipped_course_states_its_legal_position_date():
    for slug, course in loaded_courses().items():
        assert LAW_AS_OF.search(course.intro), f"{slug}: the intro says 'Law as of <date>'"


def test_every_shipped_course_names_its_owner_and_last_review():
    """Issue 16.5: `validate --strict` refuses a course without them; an owner is someone the
    demo organisation has, so `make run` shows them by name on Admin -> Review due."""
    demo_addresses = {f"{local}@example.com" for _, local, _, _, _, _ in STAFF}
    for slug, course in loaded_courses().items():
        assert course.meta.owner in demo_addresses, slug
        assert course.meta.reviewed_on is not None, slug


def test_course_audiences_name_job_roles_the_demo_organisation_has():
    demo_roles = {job_role for _, _, _, job_role, _, _ in STAFF}
    for course in loaded_courses().values():
        if isinstance(course.meta.audience, dict):
            unknown = set(course.meta.audience.get("job_roles", [])) - demo_roles
            assert not unknown, f"{course.slug}: job roles not in trainer/demo.py: {sorted(unknown)}"


def minutes(course) -> int:  # type: ignore[no-untyped-def]
    return sum(module.module.meta.minutes for module in course.modules)


def test_the_core_course_is_for_everyone_and_takes_30_to_40_minutes():
    core = loaded_courses()["data-protection-essentials"]
    assert core.meta.audience == "everyone"
    assert 30 <= minutes(core) <= 40


def test_the_warehouse_track_is_for_warehouse_roles_and_takes_at_most_30_minutes():
    track = loaded_courses()["warehouse-and-fulfilment"]
    assert track.meta.audience == {"job_roles": WAREHOUSE_ROLES}
    assert minutes(track) <= 30


def test_the_demo_assigns_the_core_to_everyone_and_the_warehouse_track_by_job_role(session, tmp_path):
    import_shipped_courses_and_demo(session, tmp_path / "logins.txt")
    session.commit()
    assigned = {(email, slug) for email, slug in session.execute(
        select(User.email, Course.slug).join(Assignment, Assignment.user_id == User.id)
        .join(Course, Course.id == Assignment.course_id))}
    people = session.scalars(select(User)).all()
    assert all((p.email, "data-protection-essentials") in assigned for p in people)
    warehouse = {p.email for p in people if p.job_role in WAREHOUSE_ROLES}
    assert len(warehouse) == 3
    assert {email for email, slug in assigned if slug == "warehouse-and-fulfilment"} == warehouse
