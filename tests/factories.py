"""Plain builders for test data: keyword defaults, real rows, nothing mocked.

    user = make_user(session, department="Sales", roles=("hr",))
    course = make_course(session, modules=2)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import itertools
from functools import cache
from pathlib import Path

from sqlalchemy.orm import Session

from trainer import clock
from trainer.models import Course, Module, ModuleVersion, User
from trainer.people.accounts import get_or_create_department
from trainer.security import hash_password

PASSWORD = "correct horse battery staple 42"
_sequence = itertools.count(1)


@cache
def _password_hash(password: str) -> str:
    # argon2 is deliberately slow; tests reuse one hash per distinct password.
    return hash_password(password)


def make_user(
    session: Session,
    *,
    email: str | None = None,
    name: str | None = None,
    department: str | None = "Customer Service",
    job_role: str | None = "Agent",
    roles: tuple[str, ...] = (),
    password: str | None = PASSWORD,
    manager: User | None = None,
    hired_on: dt.date | None = None,
    active: bool = True,
    hr_departments: list[str] | None = None,
) -> User:
    """An HR user sees every department unless `hr_departments` names the ones they see."""
    n = next(_sequence)
    user = User(
        email=email or f"person{n}@example.com",
        name=name or f"Person {n}",
        job_role=job_role,
        is_hr="hr" in roles,
        hr_all_departments="hr" in roles and hr_departments is None,
        is_admin="admin" in roles,
        is_auditor="auditor" in roles,
        password_hash=_password_hash(password) if password else None,
        manager=manager,
        hired_on=hired_on,
        active=active,
    )
    if department:
        user.department = get_or_create_department(session, department)
    if hr_departments is not None:
        user.hr_departments = [get_or_create_department(session, d) for d in hr_departments]
    session.add(user)
    session.flush()
    return user


def make_question(n: int, *, multiple: bool = False) -> dict:
    """A question in ModuleVersion.quiz's shape (as the content engine stores it)."""
    choices = [
        _choice(f"q{n}c1", f"Right answer {n}", True),
        _choice(f"q{n}c2", f"Wrong answer {n}", False),
        _choice(f"q{n}c3", f"Also {'right' if multiple else 'wrong'} {n}", multiple),
    ]
    text = f"Question {n}?"
    return {"id": f"q{n}", "text": text, "html": html.escape(text), "detail_html": "",
            "multiple": multiple, "choices": choices, "explanation_html": f"<p>Because {n}.</p>"}


def _choice(choice_id: str, text: str, correct: bool) -> dict:
    return {"id": choice_id, "text": text, "html": html.escape(text), "correct": correct}


def make_course(
    session: Session,
    *,
    slug: str | None = None,
    title: str | None = None,
    modules: int = 2,
    kinds: tuple[str, ...] = (),
    pass_mark: int = 80,
    refresher_months: int | None = 12,
    due_days: int = 30,
    questions: int = 3,
) -> Course:
    """A course with `modules` published modules (lessons with quizzes unless `kinds` says)."""
    n = next(_sequence)
    course = Course(
        slug=slug or f"course-{n}",
        title=title or f"Course {n}",
        summary="What this course teaches.",
        pass_mark=pass_mark,
        refresher_months=refresher_months,
        due_days=due_days,
        audience="everyone",
        regulations=["GDPR"],
    )
    session.add(course)
    session.flush()
    for position in range(modules):
        kind = kinds[position] if position < len(kinds) else "lesson"
        make_module(session, course, position=position, kind=kind, questions=questions)
    session.refresh(course)
    return course


def make_module(
    session: Session, course: Course, *, position: int = 0, kind: str = "lesson",
    questions: int = 3, slug: str | None = None,
) -> Module:
    module = Module(course_id=course.id, slug=slug or f"module-{position + 1}", position=position)
    session.add(module)
    session.flush()
    publish_version(session, module, kind=kind, questions=questions)
    return module


def publish_version(
    session: Session, module: Module, *, kind: str = "lesson", questions: int = 3,
    change: str = "minor", change_note: str = "", body: str = "Module text.",
) -> ModuleVersion:
    number = (module.current_version.number + 1) if module.current_version else 1
    quiz = [make_question(i + 1) for i in range(questions)] if kind == "lesson" else []
    version = ModuleVersion(
        module_id=module.id,
        number=number,
        title=f"{module.slug.replace('-', ' ').title()} v{number}",
        kind=kind,
        minutes=5,
        min_read_seconds=30 if kind == "policy" else 0,
        questions_per_attempt=None,
        source=body,
        body_html=f"<p>{body}</p>",
        quiz=quiz,
        content_hash=hashlib.sha256(f"{module.id}:{number}:{body}".encode()).hexdigest(),
        change=change,
        change_note=change_note,
        published_at=clock.now(),
    )
    session.add(version)
    session.flush()
    module.current_version = version
    if change == "major":
        module.major_floor = number
    session.flush()
    return version


def import_shipped_courses_and_demo(session: Session, logins_file: Path) -> None:
    """What `make run` builds: the shipped courses, their default requirements, the demo staff."""
    from tests.content.shipped import COURSES
    from trainer.audit import Actor
    from trainer.compliance.publishing import apply_published_content
    from trainer.compliance.status import Thresholds
    from trainer.content import import_courses
    from trainer.demo import create_demo_organisation

    report = import_courses(session, COURSES, Actor.cli())
    apply_published_content(session, Actor.cli(), clock.today(),
                            course_slugs=[c.slug for c in report.courses])
    create_demo_organisation(session, logins_file, thresholds=Thresholds(), refresher_window_days=30)
