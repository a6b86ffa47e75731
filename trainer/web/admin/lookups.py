"""Loading what a URL names, or 404."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import Course, Module


def course_or_404(slug: str) -> Course:
    return db.session.scalar(select(Course).where(Course.slug == slug)) or abort(404)


def module_or_404(course: Course, slug: str) -> Module:
    return next((m for m in course.modules if m.slug == slug), None) or abort(404)
