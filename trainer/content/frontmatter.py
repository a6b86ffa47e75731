"""YAML front matter: split it from the Markdown, load it safely, check it against a schema.

Checking never stops at the first problem: every unknown key, missing key and wrong value is
reported with the line of its key.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

import yaml

from trainer.content.errors import Problems

FENCE = "---"
# A check returns None when the value is fine, else what is wrong with it.
Check = Callable[[Any], str | None]
_MISSING = object()


@dataclasses.dataclass(frozen=True)
class Field:
    """One front-matter key: how to check its value and what to use when it is absent."""

    name: str
    check: Check
    required: bool = False
    default: Any = None


@dataclasses.dataclass
class Document:
    """A file split into its front matter (loaded) and its Markdown body."""

    values: dict[str, Any]
    key_lines: dict[str, int]
    body: str
    body_line: int
    ok: bool

    def line_of(self, key: str) -> int:
        """The line of `key` in the file, or 1 (the opening `---`) when it is absent."""
        return self.key_lines.get(key, 1)


def parse_document(text: str, problems: Problems) -> Document:
    """Split `text` (normalised: LF line ends) into front matter and body and load the YAML."""
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        problems.add(1, "the file must start with front matter: a '---' line, YAML keys, a '---' line")
        return Document({}, {}, text, 1, ok=False)
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() in (FENCE, "...")), None)
    if closing is None:
        problems.add(1, "the front matter opened here is never closed with a '---' line")
        return Document({}, {}, "", len(lines), ok=False)
    body = "\n".join(lines[closing + 1 :])
    values, key_lines, ok = _load_yaml("\n".join(lines[1:closing]), problems)
    return Document(values, key_lines, body, closing + 2, ok=ok)


def _load_yaml(source: str, problems: Problems) -> tuple[dict[str, Any], dict[str, int], bool]:
    """Load a YAML mapping; its first line is line 2 of the file."""
    try:
        node, data = _compose_and_construct(source)
    except yaml.YAMLError as error:
        problems.add(_yaml_error_line(error, source),
                     f"the front matter is not valid YAML: {_describe(error)}")
        return {}, {}, False
    except RecursionError:
        problems.add(2, "the front matter is nested too deeply")
        return {}, {}, False
    if not isinstance(data, dict):
        problems.add(2, "the front matter must be 'key: value' lines")
        return {}, {}, False
    return data, _key_lines(node, problems) if isinstance(node, yaml.MappingNode) else {}, True


class InvalidDate(str):
    """A scalar written like a date that is no date (2026-13-01): kept as its text with the
    reason, so that the key's check can say what is wrong (PyYAML would raise a ValueError)."""

    reason: str = ""


class _Loader(yaml.SafeLoader):
    def construct_checked_timestamp(self, node: yaml.Node) -> Any:
        try:
            return self.construct_yaml_timestamp(node)  # type: ignore[arg-type]  # a ScalarNode: the tag says so
        except ValueError as error:
            invalid = InvalidDate(node.value)
            invalid.reason = str(error)
            return invalid


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_checked_timestamp)


def _compose_and_construct(source: str) -> tuple[yaml.Node | None, Any]:
    """The YAML node tree (for key lines) and the Python values, with safe types only."""
    loader = _Loader(source)  # refuses control characters: a YAMLError too
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else {}
    finally:
        loader.dispose()


def _key_lines(node: yaml.MappingNode, problems: Problems) -> dict[str, int]:
    lines: dict[str, int] = {}
    for key_node, _value in node.value:
        key, line = str(key_node.value), key_node.start_mark.line + 2
        if key in lines:
            problems.add(line, f"'{key}' is given twice (first on line {lines[key]})")
        lines.setdefault(key, line)
    return lines


def _yaml_error_line(error: yaml.YAMLError, source: str) -> int:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is not None:
        return int(mark.line) + 2
    position = getattr(error, "position", None)  # ReaderError: a character YAML refuses
    if isinstance(position, int):
        return source.count("\n", 0, position) + 2
    return 2


def _describe(error: yaml.YAMLError) -> str:
    problem = getattr(error, "problem", None)
    context = getattr(error, "context", None)
    if not problem:
        return str(error).splitlines()[0]
    described = f"{context}, {problem}" if context else str(problem)
    context_mark = getattr(error, "context_mark", None)
    problem_mark = getattr(error, "problem_mark", None)
    if context_mark is not None and problem_mark is not None and context_mark.line != problem_mark.line:
        described += f" (it started on line {context_mark.line + 2})"
    return described


def check_fields(document: Document, fields: Sequence[Field], problems: Problems) -> dict[str, Any]:
    """Values for every field (defaults filled in); each bad, unknown or missing key is reported."""
    known = {field.name: field for field in fields}
    for key in document.values:
        if str(key) not in known:
            allowed = ", ".join(known)
            problems.add(document.line_of(str(key)), f"unknown front-matter key '{key}' (allowed: {allowed})")
    result: dict[str, Any] = {}
    for field in fields:
        value = document.values.get(field.name, _MISSING)
        if value is _MISSING:
            if field.required and document.ok:
                problems.add(1, f"the front matter is missing the required key '{field.name}'")
            result[field.name] = field.default
            continue
        message = field.check(value)
        if message:
            problems.add(document.line_of(field.name), f"{field.name}: {message}")
            value = field.default
        result[field.name] = value
    return result


# Checks shared by course and module front matter.


def text(max_length: int | None = None, *, one_line: bool = True, blank_ok: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return f"must be text, not {_shown(value)} (put it in quotes)"
        if not blank_ok and not value.strip():
            return "must not be empty"
        if one_line and "\n" in value.strip():
            return "must be on one line"
        if max_length is not None and len(value) > max_length:
            return f"must be at most {max_length} characters (it has {len(value)})"
        return None

    return check


def integer(minimum: int, maximum: int | None = None, *, nullable: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if value is None and nullable:
            return None
        in_range = f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
        wanted = f"a whole number {in_range}" + (" or null" if nullable else "")
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be {wanted}, not {_shown(value)}"
        if value < minimum or (maximum is not None and value > maximum):
            return f"must be {wanted}, not {value}"
        return None

    return check


def one_of(*options: str) -> Check:
    def check(value: Any) -> str | None:
        if value in options:
            return None
        return f"must be one of {', '.join(options)}, not {_shown(value)}"

    return check


def text_list(value: Any) -> str | None:
    """A list of non-empty one-line strings."""
    if not isinstance(value, list):
        return f"must be a list such as [GDPR, CCPA], not {_shown(value)}"
    for item in value:
        if not isinstance(item, str) or not item.strip() or "\n" in item:
            return f"every entry must be a non-empty line of text, not {_shown(item)}"
    if len({item.strip() for item in value}) != len(value):
        return "lists an entry twice"
    return None


def _shown(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    shown = repr(value) if isinstance(value, str) else str(value)
    kind = type(value).__name__
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    return shown if isinstance(value, str | int | float) else f"{kind} {shown}"
