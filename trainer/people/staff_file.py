"""Reading a staff list (CSV file or JSON records) into checked rows and named problems.

Columns: email, name, department, job_role, manager_email, hired_on, active. email and
name are required; a column left out of the file leaves that field unchanged. Every
problem names its line (CSV; the header is line 1) or row number (JSON) and says what is
wrong. Checks that need the database (unknown manager, manager cycle, scope) are made when
the import is planned (trainer.people.staff_import).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from typing import Any

from email_validator import EmailNotValidError, validate_email

from trainer.textcheck import refusal

COLUMNS = ("email", "name", "department", "job_role", "manager_email", "hired_on", "active")
REQUIRED = ("email", "name")
LIMITS = {"name": 200, "department": 120, "job_role": 120}
TRUE = frozenset({"true", "yes", "y", "1", "active"})
FALSE = frozenset({"false", "no", "n", "0", "inactive"})
PROGRESS_EVERY = 1000
# Anything shaped like an address, in the text of a row that could not be read.
_ADDRESS = re.compile(r"[^\s,;\t\"'<>()]+@[^\s,;\t\"'<>()]+")


@dataclasses.dataclass(frozen=True)
class StaffRow:
    """A row that is valid on its own. `fields` holds only the columns the file has."""

    line: int
    email: str
    name: str
    fields: dict[str, Any]


@dataclasses.dataclass(frozen=True)
class Problem:
    line: int  # 1 = the header (CSV); for JSON, the position in the list (from 1)
    message: str


@dataclasses.dataclass
class StaffFile:
    rows: list[StaffRow]
    problems: list[Problem]
    # E-mail addresses named by any row, bad ones included: a full sync must not
    # deactivate someone just because their row has a typo in the date.
    named: set[str]
    total: int = 0
    # False when reading stopped before the end (a CSV error): a partial list is never a
    # full staff list, so nobody is deactivated for being missing from it.
    complete: bool = True


class _Bad(ValueError):
    pass


def read_staff_csv(lines: Iterable[str], progress: Callable[[int], None] | None = None) -> StaffFile:
    """Parse CSV text (an iterable of lines). `progress(n)` is told of every n rows read."""
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        return StaffFile([], [Problem(1, "The file is empty: it needs a header row.")], set())
    except csv.Error as error:
        return StaffFile([], [Problem(1, f"The header is not valid CSV: {error}.")], set())
    columns = [_column_name(c) for c in header]
    header_problems = _check_header(columns)
    if header_problems:
        return StaffFile([], header_problems, set())
    staff = StaffFile([], [], set())
    builder = _Builder(staff)
    line, read = 2, 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            message = f"not valid CSV: {error}; the rest of the file was not read."
            staff.problems.append(Problem(line, message))
            staff.complete = False
            break
        if any(c.strip() for c in cells):
            builder.add(line, _cells(cells, columns), cells)
        line, read = reader.line_num + 1, read + 1
        if progress and read % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
    builder.finish()
    return staff


def read_staff_bytes(raw: bytes, progress: Callable[[int], None] | None = None) -> StaffFile:
    """Parse an uploaded file: UTF-8 (a byte-order mark is fine), any line endings."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return StaffFile([], [Problem(line, "is not UTF-8 text: save the file as CSV UTF-8.")], set())
    return read_staff_csv(io.StringIO(text, newline=""), progress)


def read_staff_records(records: Any) -> StaffFile:
    """Check a list of JSON objects (the API's employees sync), numbered from 1."""
    staff = StaffFile([], [], set())
    if not isinstance(records, list):
        return StaffFile([], [Problem(0, "'employees' must be a list of objects.")], set())
    builder = _Builder(staff)
    for number, record in enumerate(records, start=1):
        raw = [str(v) for v in record.values()] if isinstance(record, dict) else [str(record)]
        builder.add(number, _record_cells(record), raw)
    builder.finish()
    return staff


def _column_name(raw: str) -> str:
    return raw.strip().lstrip("\ufeff").lower().replace(" ", "_").replace("-", "_")


def _check_header(columns: list[str]) -> list[Problem]:
    problems = [Problem(1, f"unknown column '{c}'; the columns are {', '.join(COLUMNS)}.")
                for c in columns if c not in COLUMNS]
    problems += [Problem(1, f"missing column '{c}'.") for c in REQUIRED if c not in columns]
    problems += [Problem(1, f"column '{c}' appears twice.") for c in sorted(set(columns))
                 if columns.count(c) > 1]
    return problems


def _cells(cells: list[str], columns: list[str]) -> dict[str, Any] | _Bad:
    if len(cells) != len(columns):
        return _Bad(f"has {len(cells)} fields but the header has {len(columns)}.")
    return dict(zip(columns, cells, strict=True))


def _record_cells(record: Any) -> dict[str, Any] | _Bad:
    if not isinstance(record, dict):
        return _Bad("is not an object.")
    unknown = sorted(k for k in record if k not in COLUMNS)
    if unknown:
        return _Bad(f"unknown field '{unknown[0]}'; the fields are {', '.join(COLUMNS)}.")
    missing = [k for k in REQUIRED if k not in record]
    if missing:
        return _Bad(f"missing field '{missing[0]}'.")
    return {k: _as_text(v) for k, v in record.items()}


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _Builder:
    """Collects rows, their problems and duplicate e-mail addresses."""

    def __init__(self, staff: StaffFile) -> None:
        self.staff = staff
        self.lines_by_email: dict[str, list[int]] = {}

    def add(self, line: int, cells: dict[str, Any] | _Bad, raw: list[str]) -> None:
        self.staff.total += 1
        if isinstance(cells, _Bad):
            self.staff.problems.append(Problem(line, str(cells)))
            self._name_everyone_in(raw)
            return
        refusals = [refusal(str(value), f"column '{column}'") for column, value in cells.items()]
        if any(refusals):
            self.staff.problems += [Problem(line, f"{r}.") for r in refusals if r]
            return
        email, problems = _email(cells.get("email", ""))
        if email:
            self.staff.named.add(email)
            self.lines_by_email.setdefault(email, []).append(line)
        fields = {}
        for column in COLUMNS[1:]:
            if column in cells:
                try:
                    fields[column] = _FIELD_CHECKS[column](cells[column])
                except _Bad as bad:
                    problems.append(str(bad))
        if email and fields.get("manager_email") == email:
            problems.append(f"manager cycle: {email} cannot be their own manager.")
        self.staff.problems += [Problem(line, p) for p in problems]
        if problems:
            self._name_everyone_in(raw)
        else:
            name = fields.pop("name")
            self.staff.rows.append(StaffRow(line, email, name, fields))

    def _name_everyone_in(self, raw: list[str]) -> None:
        """A bad row still names the people in it, even when its cells are garbled (a stray
        quote swallows the lines after it into one cell): skipping it must never make them
        "missing" from a full staff list."""
        for cell in raw:
            self.staff.named.update(m.lower() for m in _ADDRESS.findall(cell))

    def finish(self) -> None:
        duplicated = {e: lines for e, lines in self.lines_by_email.items() if len(lines) > 1}
        for email, lines in duplicated.items():
            for line in lines:
                others = ", ".join(str(n) for n in lines if n != line)
                self.staff.problems.append(Problem(line, f"duplicate e-mail {email}: also on line {others}."))
        if duplicated:
            self.staff.rows = [r for r in self.staff.rows if r.email not in duplicated]
        self.staff.problems.sort(key=lambda p: p.line)


def _email(raw: str) -> tuple[str, list[str]]:
    if not raw.strip():
        return "", ["e-mail is empty."]
    try:
        return _valid_email(raw), []
    except _Bad as bad:
        return "", [str(bad)]


def _valid_email(raw: str, what: str = "e-mail") -> str:
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise _Bad(f"bad {what} '{raw.strip()}': {error}") from None


def _text(column: str, *, required: bool = False) -> Callable[[str], str | None]:
    def check(raw: str) -> str | None:
        value = " ".join(raw.split())
        if not value:
            if required:
                raise _Bad(f"{column} is empty.")
            return None
        if len(value) > LIMITS[column]:
            raise _Bad(f"{column} is longer than {LIMITS[column]} characters.")
        return value

    return check


def _manager(raw: str) -> str | None:
    return _valid_email(raw, "manager e-mail") if raw.strip() else None


def _date(raw: str) -> dt.date | None:
    value = raw.strip()
    if not value:
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _Bad(f"bad date '{value}' in hired_on: use YYYY-MM-DD.") from None


def _active(raw: str) -> bool:
    value = raw.strip().lower()
    if not value or value in TRUE:
        return True
    if value in FALSE:
        return False
    raise _Bad(f"bad value '{raw.strip()}' in active: use true or false.")


_FIELD_CHECKS: dict[str, Callable[[str], Any]] = {
    "name": _text("name", required=True),
    "department": _text("department"),
    "job_role": _text("job_role"),
    "manager_email": _manager,
    "hired_on": _date,
    "active": _active,
}
