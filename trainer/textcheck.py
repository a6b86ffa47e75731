"""The one rule on characters no text field may hold: NUL and the other control characters.

Tab, line feed and carriage return are text; every other C0 control character and DEL is
not. PostgreSQL refuses NUL in text outright, SQLite would store it, and none of them means
anything in a name, an e-mail or a course. Web forms and JSON bodies (web/hygiene.py), staff
files (people/staff_file.py) and course files (content/parser.py) all ask this module.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_C0 = ["NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR",
       "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB",
       "ESC", "FS", "GS", "RS", "US"]


@dataclasses.dataclass(frozen=True)
class ControlCharacter:
    line: int  # 1-based
    column: int  # 1-based, in characters
    char: str

    @property
    def name(self) -> str:
        return describe(self.char)


def describe(char: str) -> str:
    """'NUL (U+0000)', 'ESC (U+001B)', ..."""
    code = ord(char)
    name = _C0[code] if code < len(_C0) else "DEL" if code == 0x7F else "character"
    return f"{name} (U+{code:04X})"


def has_control(text: str) -> bool:
    return CONTROL.search(text) is not None


def control_characters(text: str) -> Iterator[ControlCharacter]:
    """Every control character in `text` with its line and column."""
    for match in CONTROL.finditer(text):
        start = match.start()
        line_start = text.rfind("\n", 0, start) + 1
        yield ControlCharacter(text.count("\n", 0, start) + 1, start - line_start + 1, match.group())


def refusal(text: str, what: str) -> str | None:
    """'<what> contains the control character NUL (U+0000) at column 4', or None when clean."""
    found = next(control_characters(text), None)
    if found is None:
        return None
    where = f"line {found.line}, column {found.column}" if "\n" in text else f"column {found.column}"
    return f"{what} contains the control character {found.name} at {where}; remove it"
