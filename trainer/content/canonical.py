"""The canonical text of course.md, written by export and hashed by import.

Hashing this form rather than the file's bytes means a course.md that only differs in layout
(key order, quoting, comments) imports as unchanged, and exporting then importing is a no-op.
The layout matches the shipped courses, so they export byte for byte.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import yaml

from trainer.content.meta import AUDIENCE_KEYS, CourseMeta


def course_text(meta: CourseMeta, intro: str) -> str:
    """course.md for these settings and this Markdown introduction."""
    lines = [
        "---",
        f"title: {_scalar(meta.title)}",
        f"summary: {_scalar(meta.summary)}",
        f"pass_mark: {meta.pass_mark}",
        f"refresher_months: {'null' if meta.refresher_months is None else meta.refresher_months}",
        f"due_days: {meta.due_days}",
        *_audience_lines(meta.audience),
        f"regulations: {_flow_list(meta.regulations)}",
        *_quiz_integrity_lines(meta),
        *_review_lines(meta),
        "---",
    ]
    return "\n".join(lines) + "\n" + intro


def course_hash(meta: CourseMeta, intro: str) -> str:
    return hashlib.sha256(course_text(meta, intro).encode()).hexdigest()


def _quiz_integrity_lines(meta: CourseMeta) -> list[str]:
    """Only the settings that differ from their defaults, so existing files keep their text."""
    defaults = CourseMeta(title="", summary="")
    return [f"{key}: {getattr(meta, key)}" for key in ("show_answers", "attempts_before_cooldown",
                                                        "cooldown_minutes")
            if getattr(meta, key) != getattr(defaults, key)]


def _review_lines(meta: CourseMeta) -> list[str]:
    """Content review keys, each only when set (review_every_months: when not the default)."""
    lines = []
    if meta.owner is not None:
        lines.append(f"owner: {_scalar(meta.owner)}")
    if meta.reviewed_on is not None:
        lines.append(f"reviewed_on: {meta.reviewed_on.isoformat()}")
    if meta.review_every_months != CourseMeta(title="", summary="").review_every_months:
        lines.append(f"review_every_months: {meta.review_every_months}")
    return lines


def _audience_lines(audience: Any) -> list[str]:
    if not isinstance(audience, dict):
        return ["audience: everyone"]
    keys = [key for key in AUDIENCE_KEYS if key in audience]
    return ["audience:"] + [f"  {key}: {_flow_list(audience[key])}" for key in keys]


def _flow_list(items: list[str]) -> str:
    return "[" + ", ".join(_scalar(item, in_list=True) for item in items) + "]"


def _scalar(value: str, *, in_list: bool = False) -> str:
    """`value` as YAML: plain when that reads back the same, else double-quoted."""
    return value if _plain_reads_back(value, in_list) else _double_quoted(value)


def _plain_reads_back(value: str, in_list: bool) -> bool:
    if not value or "\n" in value or _NEEDS_ESCAPE.search(value):
        return False
    try:
        loaded = yaml.safe_load(f"key: [{value}]" if in_list else f"key: {value}")
    except yaml.YAMLError:
        return False
    return isinstance(loaded, dict) and loaded.get("key") == ([value] if in_list else value)


# Characters YAML does not allow raw (or would read as line breaks or a BOM) inside quotes.
_NEEDS_ESCAPE = re.compile(
    "[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)


_SHORT_ESCAPES = {"\n": "\\n", "\t": "\\t"}


def _double_quoted(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _NEEDS_ESCAPE.sub(_escape_char, escaped) + '"'


def _escape_char(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _SHORT_ESCAPES:
        return _SHORT_ESCAPES[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
