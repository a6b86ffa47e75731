"""Courses edited in the browser: settings, module order, new modules, retiring.

Settings mean exactly what course.md says: they are written out in course.md's canonical
form and checked by the same parser before anything is saved, and `Course.source_hash` is
the hash import compares, so exporting a course edited here and importing it changes nothing.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer import audit, clock
from trainer.audit import Actor
from trainer.content.canonical import course_hash, course_text
from trainer.content.errors import ValidationFailed
from trainer.content.markdown import render_markdown
from trainer.content.meta import CourseMeta
from trainer.content.parser import parse_course
from trainer.content.tree import SLUG, SLUG_MAX
from trainer.models import Course, Module

MAX_POSITION = 99  # module files are numbered with two digits


class CourseError(ValueError):
    """The course change cannot be made as asked; the message says why, and `key` names the
    course.md key at fault when there is one (so a form can show it beside its field)."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


def write_course(session: Session, course: Course | None, slug: str, meta: CourseMeta, intro: str) -> Course:
    """Create the course or bring its settings in line with `meta` and `intro` (course.md)."""
    if course is None:
        course = Course(slug=slug)
        session.add(course)
    course.title = meta.title
    course.summary = meta.summary
    course.intro_source = intro
    course.intro_html = render_markdown(intro)
    course.pass_mark = meta.pass_mark
    course.refresher_months = meta.refresher_months
    course.due_days = meta.due_days
    course.audience = dict(meta.audience) if isinstance(meta.audience, dict) else meta.audience
    course.regulations = list(meta.regulations)
    course.show_answers = meta.show_answers
    course.attempts_before_cooldown = meta.attempts_before_cooldown
    course.cooldown_minutes = meta.cooldown_minutes
    course.owner = meta.owner
    course.reviewed_on = meta.reviewed_on
    course.review_every_months = meta.review_every_months
    course.source_hash = course_hash(meta, intro)
    session.flush()
    return course


def course_meta(course: Course) -> CourseMeta:
    """The course's settings as its course.md holds them."""
    return CourseMeta(
        title=course.title, summary=course.summary, pass_mark=course.pass_mark,
        refresher_months=course.refresher_months, due_days=course.due_days,
        audience=course.audience, regulations=list(course.regulations), show_answers=course.show_answers,
        attempts_before_cooldown=course.attempts_before_cooldown, cooldown_minutes=course.cooldown_minutes,
        owner=course.owner, reviewed_on=course.reviewed_on, review_every_months=course.review_every_months,
    )


def check_slug(slug: str, what: str = "course") -> str:
    """The slug, or CourseError saying what a slug may contain."""
    if not SLUG.fullmatch(slug) or len(slug) > SLUG_MAX:
        raise CourseError(f"The {what} slug may contain lower-case letters, digits and single hyphens "
                          f"(e.g. breach-response), at most {SLUG_MAX} characters.")
    return slug


def create_course(session: Session, actor: Actor, slug: str, settings: CourseMeta) -> Course:
    """A new course without modules. Nobody is assigned it before a module is published."""
    check_slug(slug)
    if session.scalar(select(Course.id).where(Course.slug == slug)) is not None:
        raise CourseError(f"There is already a course with the slug {slug!r}.")
    meta = _checked_meta(settings, "")
    course = write_course(session, None, slug, meta, "")
    audit.record(session, actor, "course.created", course, course=slug, settings=_settings_of(course))
    return course


def update_course_settings(session: Session, actor: Actor, course: Course, settings: CourseMeta) -> bool:
    """Save title, summary, pass mark, refresher and due days from `settings` (the course keeps
    its audience and regulations); False, and nothing written, when nothing changed."""
    kept = dataclasses.replace(settings, audience=course.audience, regulations=list(course.regulations))
    meta = _checked_meta(kept, course.intro_source)
    before = _settings_of(course)
    if course_hash(meta, course.intro_source) == course.source_hash:
        return False
    write_course(session, course, course.slug, meta, course.intro_source)
    audit.record(session, actor, "course.updated", course, course=course.slug, before=before,
                 after=_settings_of(course))
    return True


def _checked_meta(meta: CourseMeta, intro: str) -> CourseMeta:
    """The settings as course.md would give them, checked by the course.md parser itself."""
    try:
        checked, _intro = parse_course(course_text(meta, intro))
    except ValidationFailed as failed:
        keys = {error.message.partition(":")[0] for error in failed.errors}
        key = keys.pop() if len(keys) == 1 else None
        raise CourseError(" ".join(error.message for error in failed.errors), key) from None
    return checked


def _settings_of(course: Course) -> dict[str, object]:
    return {"title": course.title, "summary": course.summary, "pass_mark": course.pass_mark,
            "refresher_months": course.refresher_months, "due_days": course.due_days,
            "show_answers": course.show_answers, "attempts_before_cooldown": course.attempts_before_cooldown,
            "cooldown_minutes": course.cooldown_minutes,
            # Audit events name people by id only: the owner's address as a keyed digest.
            "owner": audit.email_digest(course.owner) if course.owner else None,
            "reviewed_on": course.reviewed_on.isoformat() if course.reviewed_on else None,
            "review_every_months": course.review_every_months}


def retire_course(session: Session, actor: Actor, course: Course) -> None:
    """Hide the course from new learners; the next sync closes open assignments. Evidence stays."""
    if course.retired_at is not None:
        return
    course.retired_at = clock.now()
    session.flush()
    audit.record(session, actor, "course.retired", course, course=course.slug)


def restore_course(session: Session, actor: Actor, course: Course) -> None:
    """Undo a retirement; the next sync assigns the course again."""
    if course.retired_at is None:
        return
    course.retired_at = None
    session.flush()
    audit.record(session, actor, "course.restored", course, course=course.slug)


def add_module(session: Session, actor: Actor, course: Course, slug: str) -> Module:
    """A new, unpublished module at the end of the course (employees see it once published)."""
    check_slug(slug, "module")
    if any(module.slug == slug for module in course.modules):
        raise CourseError(f"This course already has a module with the slug {slug!r}.")
    module = Module(course=course, slug=slug, position=_free_position(course))
    session.add(module)
    session.flush()
    session.expire(course, ["modules"])
    audit.record(session, actor, "module.created", module, course=course.slug, module=slug)
    return module


def _free_position(course: Course) -> int:
    """After the last active module; else the first number no active module uses."""
    taken = {m.position for m in course.active_modules}
    after_last = max(taken, default=0) + 1
    if after_last <= MAX_POSITION:
        return after_last
    free = [n for n in range(MAX_POSITION + 1) if n not in taken]
    if not free:
        raise CourseError(f"A course holds at most {MAX_POSITION + 1} modules.")
    return free[0]


def move_module(session: Session, actor: Actor, module: Module, direction: str) -> bool:
    """Swap the module with its neighbour above ("up") or below ("down"); False at either end."""
    modules = module.course.active_modules
    index = modules.index(module)
    other_index = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other_index < len(modules):
        return False
    other = modules[other_index]
    # Swapping keeps the set of numbers, so exported file names stay NN-slug.md with NN unique.
    module.position, other.position = other.position, module.position
    session.flush()
    session.expire(module.course, ["modules"])
    audit.record(session, actor, "module.moved", module, course=module.course.slug, module=module.slug,
                 position=module.position, swapped_with=other.slug)
    return True
