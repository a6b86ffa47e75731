"""What the front matter of course.md and of a module file may say, and its checked values."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from email_validator import EmailNotValidError, validate_email

from trainer.content.errors import Problems
from trainer.content.frontmatter import (
    Document,
    Field,
    InvalidDate,
    check_fields,
    integer,
    one_of,
    text,
    text_list,
)

TITLE_MAX = 200  # Course.title and ModuleVersion.title are String(200)
AUDIENCE_KEYS = ("departments", "job_roles")
KINDS = ("lesson", "policy")
CHANGES = ("minor", "major")
SHOW_ANSWERS = ("never", "after_passing", "always")  # when a quiz result shows the right choices
OWNER_MAX = 254  # Course.owner is String(254), the longest usable e-mail address
# Review dates outside these are typos, and dates near year 9999 overflow date arithmetic.
EARLIEST_REVIEW = dt.date(2000, 1, 1)
LATEST_REVIEW = dt.date(2099, 12, 31)
REVIEW_MONTHS_MAX = 120


def _audience(value: Any) -> str | None:
    """`everyone`, or a mapping with departments and/or job_roles lists."""
    if value == "everyone":
        return None
    if not isinstance(value, dict):
        return "must be 'everyone' or a mapping with departments: [...] and/or job_roles: [...]"
    unknown = [str(key) for key in value if key not in AUDIENCE_KEYS]
    if unknown:
        return f"unknown key '{unknown[0]}' (allowed: {', '.join(AUDIENCE_KEYS)})"
    for key, names in value.items():
        message = text_list(names)
        if message:
            return f"{key} {message}"
    if not any(value.values()):
        return "names no departments or job roles; write 'audience: everyone' for everyone"
    return None


def _owner(value: Any) -> str | None:
    """A person's e-mail address (checked for syntax only: the owner need not be a user)."""
    if not isinstance(value, str):
        return f"must be an e-mail address such as privacy@example.com, not {value!r}"
    if len(value) > OWNER_MAX:
        return f"must be at most {OWNER_MAX} characters (it has {len(value)})"
    try:
        validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        return f"{value!r} is not a valid e-mail address: {error}"
    return None


def _review_date(value: Any) -> str | None:
    """A date written YYYY-MM-DD without quotes (YAML reads it as a date)."""
    if isinstance(value, InvalidDate):
        return f"{str(value)!r} is not a real date ({value.reason})"
    if isinstance(value, dt.datetime):
        return f"must be a date without a time, such as 2026-12-01, not {value.isoformat(sep=' ')}"
    if not isinstance(value, dt.date):
        return f"must be a date written YYYY-MM-DD without quotes, such as 2026-12-01, not {value!r}"
    if not EARLIEST_REVIEW <= value <= LATEST_REVIEW:
        return (f"must be between {EARLIEST_REVIEW.isoformat()} and {LATEST_REVIEW.isoformat()}, "
                f"not {value.isoformat()}")
    return None


def normalise_owner(value: str) -> str:
    """The owner's address as stored and exported: validated form, lower-cased."""
    return str(validate_email(value.strip(), check_deliverability=False).normalized).lower()


COURSE_FIELDS = (
    Field("title", text(TITLE_MAX), required=True),
    Field("summary", text(one_line=False), required=True),
    Field("pass_mark", integer(0, 100), default=80),
    Field("refresher_months", integer(1, nullable=True), default=12),
    Field("due_days", integer(1), default=30),
    # Required: who must take a course is a decision, never an implicit "everyone".
    Field("audience", _audience, required=True, default="everyone"),
    Field("regulations", text_list, default=[]),
    # Quiz integrity (docs/authoring.md "Quiz integrity").
    Field("show_answers", one_of(*SHOW_ANSWERS), default="after_passing"),
    Field("attempts_before_cooldown", integer(1, 100), default=3),
    Field("cooldown_minutes", integer(0, 10080), default=60),
    # Content review (docs/authoring.md "Content review"): who keeps the course right in law,
    # when they last checked it, and how often it must be checked again.
    Field("owner", _owner, default=None),
    Field("reviewed_on", _review_date, default=None),
    Field("review_every_months", integer(1, REVIEW_MONTHS_MAX), default=12),
)

MODULE_FIELDS = (
    Field("title", text(TITLE_MAX), required=True),
    Field("minutes", integer(1), required=True),
    Field("kind", one_of(*KINDS), default="lesson"),
    Field("questions_per_attempt", integer(1, nullable=True), default=None),
    Field("min_read_seconds", integer(0), default=0),
    Field("change", one_of(*CHANGES), default="minor"),
    Field("change_note", text(one_line=False, blank_ok=True), default=""),
)


@dataclasses.dataclass(frozen=True)
class CourseMeta:
    """The checked front matter of course.md."""

    title: str
    summary: str
    pass_mark: int = 80
    refresher_months: int | None = 12
    due_days: int = 30
    audience: Any = "everyone"
    regulations: list[str] = dataclasses.field(default_factory=list)
    show_answers: str = "after_passing"
    attempts_before_cooldown: int = 3
    cooldown_minutes: int = 60
    owner: str | None = None
    reviewed_on: dt.date | None = None
    review_every_months: int = 12


@dataclasses.dataclass(frozen=True)
class ModuleMeta:
    """The checked front matter of a module file."""

    title: str
    minutes: int
    kind: str = "lesson"
    questions_per_attempt: int | None = None
    min_read_seconds: int = 0
    change: str = "minor"
    change_note: str = ""


def read_course_meta(document: Document, problems: Problems) -> CourseMeta:
    """The course settings; problems are reported and replaced by defaults."""
    values = check_fields(document, COURSE_FIELDS, problems)
    values["title"] = (values["title"] or "").strip()
    values["summary"] = (values["summary"] or "").strip()
    if values["owner"] is not None:
        values["owner"] = normalise_owner(values["owner"])
    return CourseMeta(**values)


def read_module_meta(document: Document, problems: Problems) -> ModuleMeta:
    """The module settings; problems are reported and replaced by defaults."""
    values = check_fields(document, MODULE_FIELDS, problems)
    values["title"] = (values["title"] or "").strip()
    values["minutes"] = values["minutes"] or 1
    values["change_note"] = values["change_note"].strip()
    if values["change"] == "major" and not values["change_note"]:
        problems.add(document.line_of("change"),
                     "change: major needs a change_note saying what employees must redo and why")
    if values["kind"] == "policy" and values["questions_per_attempt"] is not None:
        problems.add(document.line_of("questions_per_attempt"),
                     "questions_per_attempt is for lessons; a policy has no quiz")
    return ModuleMeta(**values)
