"""HR-system exports as they come: text encoding, delimiter and column names.

Exports from BambooHR, Personio, HiBob, Workday or Excel differ in everything but content:
UTF-8 with or without a byte-order mark, UTF-16, or Windows-1252 (Excel's "CSV" in Western
Europe); commas, semicolons (Excel in most of Europe) or tabs; `Email Address`, `Work Email`,
`First Name` + `Last Name`, `Dept`, `Employee #`. This module turns such a file into text and
its header into Trainer's fields: known aliases first, then a mapping the importer chose
(`--map 'Work Email=email'`, or the web page's column step, which is remembered). Columns
that map to nothing are listed and ignored, never an error.
"""

from __future__ import annotations

import codecs
import dataclasses
import re

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from trainer import audit, clock
from trainer.audit import Actor
from trainer.models import ImportColumn

# Trainer's fields, and what people call them in an import's column mapping.
FIELDS = ("email", "name", "first_name", "last_name", "employee_id", "department", "job_role",
          "manager_email", "hired_on", "active")
FIELD_LABELS = {
    "email": "E-mail (required)", "name": "Full name", "first_name": "First name", "last_name": "Last name",
    "employee_id": "Employee id", "department": "Department", "job_role": "Job role",
    "manager_email": "Manager's e-mail", "hired_on": "Hire date", "active": "Active",
}
NOT_USED = ""  # a mapping to this ignores the column

_ALIASES = {
    "email": ("email", "e-mail", "email address", "e-mail address", "work email", "work e-mail",
              "work email address", "business email", "company email", "primary work email", "mail",
              "username", "user name", "login email", "email work", "work email address"),
    "name": ("name", "full name", "display name", "employee name", "employee full name", "legal name"),
    "first_name": ("first name", "firstname", "given name", "forename", "preferred first name", "first"),
    "last_name": ("last name", "lastname", "surname", "family name", "last"),
    "employee_id": ("employee id", "employee number", "employee no", "employee #", "employee nr",
                    "emp id", "staff id", "staff number", "personnel number", "worker id", "id",
                    "employee_id"),
    "department": ("department", "dept", "department name", "organisation unit", "organization unit",
                   "supervisory organization"),
    "job_role": ("job role", "job_role", "job title", "title", "position", "role", "job", "business title",
                 "job profile"),
    "manager_email": ("manager email", "manager_email", "manager e-mail", "manager email address",
                      "manager work email", "line manager email", "supervisor email", "supervisor e-mail",
                      "reports to email", "reports to (email)", "manager's email", "manager's e-mail"),
    "hired_on": ("hired on", "hired_on", "hire date", "start date", "date of hire", "hired", "joining date",
                 "employment start date", "original hire date", "entry date"),
    "active": ("active", "status", "employment status", "employee status", "lifecycle status",
               "active status"),
}
ALIASES = {alias: field for field, names in _ALIASES.items() for alias in names}
_DELIMITERS = (",", ";", "\t")


def header_key(raw: str) -> str:
    """How a column name is compared: case, spacing, underscores and dashes do not matter."""
    text = raw.strip().lstrip("\ufeff").lower().replace("_", " ")
    return " ".join(text.split())


def _alias(raw: str) -> str | None:
    key = header_key(raw)
    spaced = " ".join(key.replace("-", " ").split())  # "Email - Work", "E-mail"
    return ALIASES.get(key) or ALIASES.get(spaced) or ALIASES.get(key.replace("-", ""))


@dataclasses.dataclass(frozen=True)
class Column:
    header: str  # as written in the file
    field: str | None  # None: not used
    how: str  # "known name", "your mapping", "not used"


@dataclasses.dataclass(frozen=True)
class ColumnMap:
    columns: list[Column]
    problems: list[str]  # what stops the file being read (line 1)

    @property
    def fields(self) -> list[str | None]:
        return [c.field for c in self.columns]

    @property
    def unused(self) -> list[str]:
        return [c.header for c in self.columns if c.field is None]


def map_columns(header: list[str], mapping: dict[str, str] | None = None) -> ColumnMap:
    """Each column's field: the importer's mapping (by `header_key`) over the known names."""
    chosen = {header_key(k): v for k, v in (mapping or {}).items()}
    columns = []
    for raw in header:
        key = header_key(raw)
        if key in chosen:
            field = chosen[key] or None
            columns.append(Column(raw.strip(), field, "your mapping" if field else "not used"))
        else:
            field = _alias(raw)
            columns.append(Column(raw.strip(), field, "known name" if field else "not used"))
    return ColumnMap(columns, _problems(columns))


def _problems(columns: list[Column]) -> list[str]:
    problems = []
    by_field: dict[str, list[str]] = {}
    for column in columns:
        if column.field:
            by_field.setdefault(column.field, []).append(column.header)
    for field, headers in by_field.items():
        if len(headers) > 1:
            named = " and ".join(repr(h) for h in headers)
            problems.append(f"columns {named} are both {FIELD_LABELS[field]}: map one of them to something "
                            "else, or to nothing.")
    if "email" not in by_field:
        problems.append("no column gives the e-mail address: map one (for example 'Work Email=email').")
    if "name" not in by_field and not ("first_name" in by_field or "last_name" in by_field):
        problems.append("no column gives the name: map a full name, or first and last name.")
    return problems


def parse_mapping(pairs: list[str]) -> dict[str, str]:
    """`Header=field` pairs (the CLI's --map, or the lines of a mapping file); `Header=` ignores
    the column. Raises ValueError naming the pair that is wrong."""
    mapping = {}
    for pair in pairs:
        if not pair.strip() or pair.lstrip().startswith("#"):
            continue
        header, sep, field = pair.rpartition("=")
        field = field.strip().lower()
        if not sep or not header.strip():
            raise ValueError(f"'{pair}' is not Header=field.")
        if field and field not in FIELDS:
            raise ValueError(f"'{pair}': the fields are {', '.join(FIELDS)} "
                             "(or nothing, to ignore the column).")
        mapping[header.strip()] = field
    return mapping


def decode(raw: bytes) -> tuple[str, str | None]:
    """The file's text, and a note when it had to be guessed (shown in the preview).

    A byte-order mark decides (UTF-8 or UTF-16); otherwise UTF-8 if it is valid, else
    Windows-1252, which every byte sequence Excel writes in Western Europe is.
    """
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace"), None
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    return raw.decode("cp1252", errors="replace"), (
        "The file is not UTF-8: it was read as Windows-1252 (Excel's “CSV” in Western Europe). "
        "Check that names with accents look right below.")


def sniff_delimiter(first_line: str) -> str:
    """Comma, semicolon or tab: whichever the header line uses most outside quotes."""
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: unquoted.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def saved_mapping(session: Session) -> dict[str, str]:
    """The mapping chosen on the import page before (header key -> field, "" = ignore)."""
    return dict(session.execute(select(ImportColumn.header_key, ImportColumn.field)).all())


def remember_mapping(session: Session, actor: Actor, columns: dict[str, str]) -> None:
    """Keep the importer's choice for `columns` (file header -> field or "") for next time;
    only choices that differ from the known names are stored. Audited; flushes."""
    keys = {header_key(h): f for h, f in columns.items()}
    unknown = sorted({f for f in keys.values() if f and f not in FIELDS})
    if unknown:
        raise ValueError(f"unknown field {unknown[0]}")
    session.execute(delete(ImportColumn).where(ImportColumn.header_key.in_(list(keys))))
    stored = {k: f for k, f in keys.items() if ALIASES.get(k) != (f or None)}
    now = clock.now()
    session.add_all(ImportColumn(header_key=k, field=f, updated_at=now) for k, f in stored.items())
    session.flush()
    audit.record(session, actor, "import.columns_mapped", columns=dict(sorted(stored.items())))
