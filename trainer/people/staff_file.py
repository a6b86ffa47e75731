"""Reading a staff list (CSV file or JSON records) into checked rows and named problems.

Fields: email, name, employee_id, department, job_role, manager_email, hired_on, active
(a CSV file's own column names are mapped onto them by people/staff_columns.py). email and
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

from trainer.people.addresses import checked_address
from trainer.people.staff_columns import ColumnMap, decode, map_columns, sniff_delimiter
from trainer.textcheck import has_control, refusal

# The fields of a row (a CSV file's columns are mapped onto them: people/staff_columns.py).
COLUMNS = ("email", "name", "employee_id", "department", "job_role", "manager_email", "hired_on", "active")
REQUIRED = ("email", "name")
LIMITS = {"name": 200, "department": 120, "job_role": 120, "employee_id": 64}
# HR systems' status words too: on leave and onboarding are still employed.
TRUE = frozenset({"true", "yes", "y", "1", "active", "employed", "onboarding", "leave", "on leave"})
FALSE = frozenset({"false", "no", "n", "0", "inactive", "terminated", "left", "former", "offboarded"})
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
    named_ids: set[str] = dataclasses.field(default_factory=set)  # employee ids, bad rows' too
    # False when reading stopped before the end (a CSV error): a partial list is never a
    # full staff list, so nobody is deactivated for being missing from it.
    complete: bool = True
    columns: ColumnMap | None = None  # a CSV file's columns and the field each gives
    notes: list[str] = dataclasses.field(default_factory=list)  # shown with the preview


class _Bad(ValueError):
    pass


def read_staff_csv(
    lines: Iterable[str], progress: Callable[[int], None] | None = None, *,
    mapping: dict[str, str] | None = None, delimiter: str = ",",
) -> StaffFile:
    """Parse CSV text (an iterable of lines). `progress(n)` is told of every n rows read;
    `mapping` names the field of columns whose names are not known ones."""
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return StaffFile([], [Problem(1, "The file is empty: it needs a header row.")], set())
    except csv.Error as error:
        return StaffFile([], [Problem(1, f"The header is not valid CSV: {error}.")], set())
    columns = map_columns(header, mapping)
    if columns.problems:
        return StaffFile([], [Problem(1, p) for p in columns.problems], set(), columns=columns)
    staff = StaffFile([], [], set(), columns=columns)
    if columns.unused:
        staff.notes.append(f"Not imported (columns Trainer does not use): {', '.join(columns.unused)}.")
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
            builder.add(line, _cells(cells, columns.fields), cells)
        line, read = reader.line_num + 1, read + 1
        if progress and read % PROGRESS_EVERY == 0:
            progress(PROGRESS_EVERY)
    builder.finish()
    return staff


def read_staff_bytes(
    raw: bytes, progress: Callable[[int], None] | None = None, *, mapping: dict[str, str] | None = None
) -> StaffFile:
    """Parse an uploaded file: UTF-8 (with or without a byte-order mark), UTF-16 with one, or
    Windows-1252 (noted); comma, semicolon or tab separated; any line endings."""
    text, note = decode(raw)
    first_line = text.split("\n", 1)[0]
    staff = read_staff_csv(io.StringIO(text, newline=""), progress, mapping=mapping,
                           delimiter=sniff_delimiter(first_line))
    if note:
        staff.notes.insert(0, note)
    return staff


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


def _cells(cells: list[str], fields: list[str | None]) -> dict[str, Any] | _Bad:
    if len(cells) != len(fields):
        return _Bad(f"has {len(cells)} fields but the header has {len(fields)}.")
    values = {field: cell for field, cell in zip(fields, cells, strict=True) if field}
    first, last = values.pop("first_name", None), values.pop("last_name", None)
    if "name" not in values:
        values["name"] = " ".join(part for part in (first, last) if part and part.strip())
    return values


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
        self.lines_by_id: dict[str, list[int]] = {}

    def add(self, line: int, cells: dict[str, Any] | _Bad, raw: list[str]) -> None:
        self.staff.total += 1
        if isinstance(cells, _Bad):
            self.staff.problems.append(Problem(line, str(cells)))
            self._name_everyone_in(raw)
            return
        # One search over the row; only a row holding a control character is searched cell
        # by cell for the message (a search per cell was 7% of reading a clean file).
        refusals = ([refusal(str(value), f"column '{column}'") for column, value in cells.items()]
                    if has_control("".join(map(str, cells.values()))) else [])
        if any(refusals):
            self.staff.problems += [Problem(line, f"{r}.") for r in refusals if r]
            self._name_everyone_in(raw)
            return
        email, problems = _email(cells.get("email", ""))
        employee_id = " ".join(str(cells.get("employee_id") or "").split())
        if employee_id:
            self.staff.named_ids.add(employee_id)
            self.lines_by_id.setdefault(employee_id, []).append(line)
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
        dropped: set[int] = set()
        for what, lines_by in (("e-mail", self.lines_by_email), ("employee id", self.lines_by_id)):
            for value, lines in lines_by.items():
                if len(lines) < 2:
                    continue
                dropped.update(lines)
                for line in lines:
                    others = ", ".join(str(n) for n in lines if n != line)
                    message = f"duplicate {what} {value}: also on line {others}."
                    self.staff.problems.append(Problem(line, message))
        if dropped:
            self.staff.rows = [r for r in self.staff.rows if r.line not in dropped]
        self.staff.problems.sort(key=lambda p: p.line)


def _email(raw: str) -> tuple[str, list[str]]:
    if not raw.strip():
        return "", ["e-mail is empty."]
    try:
        return _valid_email(raw), []
    except _Bad as bad:
        return "", [str(bad)]


def _valid_email(raw: str, what: str = "e-mail") -> str:
    normalized, error = checked_address(raw.strip())
    if error:
        raise _Bad(f"bad {what} '{raw.strip()}': {error}")
    return normalized


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
    """YYYY-MM-DD, or DD.MM.YYYY (a dotted date is day first everywhere it is used). Dates
    with slashes are refused: 03/04/2026 is March in the US and April in Europe."""
    value = raw.strip()
    if not value:
        return None
    try:
        if len(value) == 10 and value[2] == "." and value[5] == ".":
            return dt.date(int(value[6:]), int(value[3:5]), int(value[:2]))
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise _Bad(f"bad date '{value}' in hired_on: use YYYY-MM-DD.") from None


def _active(raw: str) -> bool | None:
    value = raw.strip().lower()
    if not value:
        return None  # keep as it is (a new person is active)
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise _Bad(f"bad value '{raw.strip()}' in active: use true or false.")


_FIELD_CHECKS: dict[str, Callable[[str], Any]] = {
    "name": _text("name", required=True),
    "employee_id": _text("employee_id"),
    "department": _text("department"),
    "job_role": _text("job_role"),
    "manager_email": _manager,
    "hired_on": _date,
    "active": _active,
}
