"""Side-by-side differences between two texts, as rows a template renders (and escapes).

difflib.HtmlDiff writes inline styles and `nowrap` attributes, which the CSP forbids; this
returns plain data instead: one row per line pair, and for changed line pairs the segments
that differ, so the template can mark them with CSS classes.
"""

from __future__ import annotations

import dataclasses
import re
from difflib import SequenceMatcher

CONTEXT_LINES = 3


@dataclasses.dataclass(frozen=True)
class Segment:
    text: str
    changed: bool


@dataclasses.dataclass(frozen=True)
class Side:
    number: int | None  # 1-based line number, None where this side has no line
    segments: tuple[Segment, ...] = ()


@dataclasses.dataclass(frozen=True)
class Row:
    kind: str  # equal | replace | delete | insert | skip (lines left out between hunks)
    old: Side
    new: Side
    skipped: int = 0  # for "skip" rows: how many unchanged lines are not shown


@dataclasses.dataclass(frozen=True)
class Diff:
    rows: list[Row]
    added: int
    removed: int

    @property
    def same(self) -> bool:
        return not (self.added or self.removed)


def side_by_side(old: str, new: str, context: int | None = CONTEXT_LINES) -> Diff:
    """Rows comparing `old` with `new`; with `context`, unchanged runs are cut to that many lines."""
    a, b = old.splitlines(), new.splitlines()
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    groups = [matcher.get_opcodes()] if context is None else list(matcher.get_grouped_opcodes(context))
    rows: list[Row] = []
    shown_to = 0  # index in `a` up to which rows were produced
    for group in groups:
        first_old = group[0][1]
        if first_old > shown_to:
            rows.append(Row("skip", Side(None), Side(None), skipped=first_old - shown_to))
        for tag, i1, i2, j1, j2 in group:
            rows.extend(_rows(tag, a, b, i1, i2, j1, j2))
        shown_to = group[-1][2]
    if groups and len(a) > shown_to and context is not None:
        rows.append(Row("skip", Side(None), Side(None), skipped=len(a) - shown_to))
    added = sum(j2 - j1 for tag, _i1, _i2, j1, j2 in matcher.get_opcodes() if tag in ("insert", "replace"))
    removed = sum(i2 - i1 for tag, i1, i2, _j1, _j2 in matcher.get_opcodes() if tag in ("delete", "replace"))
    return Diff(rows, added, removed)


def _rows(tag: str, a: list[str], b: list[str], i1: int, i2: int, j1: int, j2: int) -> list[Row]:
    if tag == "equal":
        return [Row("equal", _plain(i + 1, a[i]), _plain(j + 1, b[j]))
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)]
    rows = []
    for offset in range(max(i2 - i1, j2 - j1)):
        i, j = i1 + offset, j1 + offset
        left = a[i] if i < i2 else None
        right = b[j] if j < j2 else None
        if left is not None and right is not None:
            old_segments, new_segments = _intraline(left, right)
            rows.append(Row("replace", Side(i + 1, old_segments), Side(j + 1, new_segments)))
        elif left is not None:
            rows.append(Row("delete", Side(i + 1, (Segment(left, True),)), Side(None)))
        elif right is not None:
            rows.append(Row("insert", Side(None), Side(j + 1, (Segment(right, True),))))
    return rows


def _plain(number: int, text: str) -> Side:
    return Side(number, (Segment(text, False),))


def _intraline(left: str, right: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """The words of two paired lines that differ (word by word reads better than letters)."""
    a, b = _WORD.findall(left), _WORD.findall(right)
    old: list[Segment] = []
    new: list[Segment] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if i2 > i1:
            old.append(Segment("".join(a[i1:i2]), tag != "equal"))
        if j2 > j1:
            new.append(Segment("".join(b[j1:j2]), tag != "equal"))
    return _joined(old), _joined(new)


_WORD = re.compile(r"\s+|\w+|[^\w\s]")


def _joined(segments: list[Segment]) -> tuple[Segment, ...]:
    """Neighbouring changes, and blanks between two changes, become one marked segment."""
    for index in range(1, len(segments) - 1):
        blank = not segments[index].text.strip()
        if blank and segments[index - 1].changed and segments[index + 1].changed:
            segments[index] = Segment(segments[index].text, True)
    joined: list[Segment] = []
    for segment in segments:
        if joined and joined[-1].changed == segment.changed:
            joined[-1] = Segment(joined[-1].text + segment.text, segment.changed)
        else:
            joined.append(segment)
    return tuple(joined)
