"""The canonical text of course.md, written by export and hashed by import.

Hashing this form rather than the file's bytes means a course.md that only differs in layout
(key order, quoting, comments) imports as unchanged, and exporting then importing is a no-op.
The layout matches the shipped courses, so they export byte for byte.
"""

from __future__ import annotations

import hashlib
import json
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
        "---",
    ]
    return "\n".join(lines) + "\n" + intro


def course_hash(meta: CourseMeta, intro: str) -> str:
    return hashlib.sha256(course_text(meta, intro).encode()).hexdigest()


def _audience_lines(audience: Any) -> list[str]:
    if not isinstance(audience, dict):
        return ["audience: everyone"]
    keys = [key for key in AUDIENCE_KEYS if key in audience]
    return ["audience:"] + [f"  {key}: {_flow_list(audience[key])}" for key in keys]


def _flow_list(items: list[str]) -> str:
    return "[" + ", ".join(_scalar(item, in_list=True) for item in items) + "]"


def _scalar(value: str, *, in_list: bool = False) -> str:
    """`value` as YAML: plain when that reads back the same, else double-quoted."""
    candidates = [value, json.dumps(value, ensure_ascii=False), json.dumps(value)]
    for candidate in candidates:
        if _reads_back(candidate, value, in_list):
            return candidate
    return candidates[-1]


def _reads_back(candidate: str, value: str, in_list: bool) -> bool:
    document = f"key: [{candidate}]" if in_list else f"key: {candidate}"
    try:
        loaded = yaml.safe_load(document)
    except yaml.YAMLError:
        return False
    expected = [value] if in_list else value
    return isinstance(loaded, dict) and loaded.get("key") == expected and "\n" not in candidate
