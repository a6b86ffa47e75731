"""CSV and JSON written as a stream of text chunks, in constant memory.

Rows come from a database cursor one at a time and leave as text in small batches, so an
export of half a million rows never holds more than a batch. CSV cells that a spreadsheet
would run as a formula are neutralised: in Python (`neutral_row`), or in the SELECT
(`neutral_sql`) for exports whose rows go from the database to the CSV with no Python per
row (`csv_query_chunks`: COPY on PostgreSQL, the DBAPI cursor on SQLite).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Date, Integer, Select, String, TypeDecorator, type_coerce
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement, Label
from sqlalchemy.sql.functions import FunctionElement

from trainer.models.base import UTCDateTime

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = frozenset("=+-@\t\r")
# The first characters that make a cell formula-like: the triggers, and every character whose
# NFKC form starts with one (spreadsheets read the full-width equals sign U+FF1D and the small
# plus sign U+FE62 as = and +). Python (`neutral_row`) and SQL (`neutral_sql`) both use this
# list; tests/reports/test_assignment_export.py checks it against the Unicode database.
FORMULA_FIRST_CHARACTERS = FORMULA_TRIGGERS | frozenset(
    "\u207a\u207c\u208a\u208c\u2a75\u2a76\ufb29\ufe62\ufe63\ufe66\ufe6b\uff0b\uff0d\uff1d\uff20")
BATCH_ROWS = 500


def neutral_row(row: Iterable[Any]) -> list[Any]:
    """CSV cells that cannot run as formulas: text starting with = + - @ tab or CR (also
    after NFKC normalisation: FORMULA_FIRST_CHARACTERS) gets a leading apostrophe
    (spreadsheets show it as text). Numbers pass unchanged, times are written in ISO 8601,
    None is empty. Written for speed: it runs for every cell."""
    return [
        ("'" + v if v and v[0] in FORMULA_FIRST_CHARACTERS else v) if type(v) is str
        else v.isoformat() if type(v) is dt.datetime
        else ("true" if v else "false") if type(v) is bool
        else v
        for v in row
    ]


def neutralise(value: Any) -> Any:
    """One cell, as `neutral_row` writes it."""
    return neutral_row([value])[0]


def csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence[Any]], batch: int = BATCH_ROWS
) -> Iterator[str]:
    """The CSV text of `header` and `rows`, yielded every `batch` rows."""
    return cell_csv_chunks(neutral_row(header), map(neutral_row, rows), batch)


def cell_csv_chunks(
    header: Sequence[Any], rows: Iterable[Sequence[Any]], batch: int = BATCH_ROWS
) -> Iterator[str]:
    """The CSV text of `header` and `rows` whose cells are ready to write (`neutral_row`'s,
    or the database's: `csv_cells`), yielded every `batch` rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    pending = 0
    for row in rows:
        writer.writerow(row)
        pending += 1
        if pending >= batch:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


class _Neutral(FunctionElement[str]):
    type = String()
    inherit_cache = True
    name = "neutral"


# ascii() is, in a UTF-8 database, the code point of the first character (0 if empty);
# SQLite's unicode() is that code point (NULL if empty).
_FIRST_CODE_POINT = {"postgresql": "ascii", "sqlite": "unicode"}
_FORMULA_CODE_POINTS = ", ".join(str(ord(c)) for c in sorted(FORMULA_FIRST_CHARACTERS))


@compiles(_Neutral)
def _neutral(element: _Neutral, compiler: Any, **kw: Any) -> str:
    text = compiler.process(element.clauses, **kw)
    first = _FIRST_CODE_POINT[compiler.dialect.name]
    return (f"CASE WHEN {first}({text}) IN ({_FORMULA_CODE_POINTS}) THEN '''' || {text} "
            f"ELSE NULLIF({text}, '') END")


def neutral_sql(text: Any) -> ColumnElement[str]:
    """A text column as `neutral_row` writes it, computed by the database: an apostrophe
    before a formula-like first character (the same FORMULA_FIRST_CHARACTERS), and NULL for
    the empty string (both are an empty cell; COPY would quote an empty string). One piece
    of SQL text, so that compiling the export's query stays cheap."""
    return _Neutral(text)


class _IsoTime(FunctionElement[str]):
    type = String()
    inherit_cache = True
    name = "iso_time"


# Python's isoformat() of a UTC time: "T", microseconds only when not zero, "+00:00". SQLite
# holds UTC times as "YYYY-MM-DD HH:MM:SS.ffffff" (SQLAlchemy's format: UTCDateTime stores
# UTC); PostgreSQL's timestamptz is read in UTC. The time appears once in each: it may be an
# expression with parameters.
@compiles(_IsoTime, "sqlite")
def _iso_time_sqlite(element: _IsoTime, compiler: Any, **kw: Any) -> str:
    text = compiler.process(element.clauses, **kw)
    return f"replace(replace({text}, ' ', 'T') || '+00:00', '.000000+', '+')"


@compiles(_IsoTime, "postgresql")
def _iso_time_postgresql(element: _IsoTime, compiler: Any, **kw: Any) -> str:
    text = compiler.process(element.clauses, **kw)
    return (f"replace(to_char(({text}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"'), "
            "'.000000+', '+')")


def iso_time_sql(time: Any) -> ColumnElement[str]:
    """A UTC time (UTCDateTime) as `neutral_row` writes it (isoformat), computed by the
    database: 2026-03-01T09:30:00+00:00, or …:00.250000+00:00 with microseconds."""
    return _IsoTime(time)


class Words(TypeDecorator[str]):
    """Text a SELECT makes from fixed words (a status): no cell of it can be formula-like,
    so `csv_cells` writes it as it is (neutralising would evaluate the expression thrice)."""

    impl = String
    cache_ok = True


def words(expression: ColumnElement[str]) -> ColumnElement[str]:
    """`expression`, marked as fixed words for `csv_cells`."""
    return type_coerce(expression, Words())


def csv_cells(query: Select[Any]) -> Select[Any]:
    """The same rows as CSV cells ready for `csv_query_chunks`, each column by its type:
    text through `neutral_sql`, UTC times through `iso_time_sql`, integers, dates and
    `words` as they are. Any other type is refused (booleans, floats, naive times: their
    text would differ from what `neutral_row` writes)."""
    return query.with_only_columns(*(_cell(column) for column in query.selected_columns))


def _cell(column: Any) -> Any:
    value = column.element if isinstance(column, Label) else column
    kind = column.type
    if isinstance(kind, Words | Integer | Date):
        return value
    if isinstance(kind, UTCDateTime):
        return iso_time_sql(value)
    if isinstance(kind, String):
        return neutral_sql(value)
    raise TypeError(f"no CSV cell for a column of type {kind!r}: {column}")


def csv_query_chunks(
    session: Session, header: Sequence[str], query: Select[Any], batch: int = 2000
) -> Iterator[str]:
    """The CSV text of `header` and the rows of `query`, as `csv_chunks` would write them,
    with no Python per row: every cell must come out of the SELECT ready to write (text
    through `neutral_sql`, no booleans or times). PostgreSQL writes the CSV itself (COPY);
    elsewhere the DBAPI cursor's rows go straight into csv.writer, `batch` rows at a time."""
    yield "".join(csv_chunks(header, []))
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        yield from _copy_csv(connection, query, batch)
    else:
        yield from _cursor_csv(connection, query, batch)


def _cursor_csv(connection: Connection, query: Select[Any], batch: int) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for rows in _cursor_batches(connection, query, batch):
        writer.writerows(rows)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _cursor_batches(connection: Connection, query: Select[Any], batch: int) -> Iterator[Sequence[Any]]:
    result = connection.execute(query)
    cursor = result.cursor  # the driver's rows: no Row objects, no result processing
    try:
        while rows := cursor.fetchmany(batch):
            yield rows
    finally:
        result.close()


def cell_rows(session: Session, query: Select[Any], batch: int = 2000) -> Iterator[Sequence[Any]]:
    """The rows of a query of CSV cells (`csv_cells`) as the driver gives them: no Row
    objects, no result processing; a server-side cursor on PostgreSQL (constant memory).
    For a CSV whose rows Python reshapes (the pack's matrix) at little cost per row."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        batches = _server_cursor_batches(connection, query, batch)
    else:
        batches = _cursor_batches(connection, query, batch)
    for rows in batches:
        yield from rows


def _server_cursor_batches(connection: Connection, query: Select[Any], batch: int) -> Iterator[Sequence[Any]]:
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    raw: Any = connection.connection.driver_connection
    with raw.cursor(name="csv_cells") as cursor:
        cursor.execute(compiled.string, compiled.params)
        while rows := cursor.fetchmany(batch):
            yield rows


def _copy_csv(connection: Connection, query: Select[Any], batch: int) -> Iterator[str]:
    """COPY (query) TO STDOUT in CSV, on the session's own connection and transaction. COPY
    quotes exactly the cells Python's csv module quotes (those holding , " CR or LF; the
    empty string, which COPY also quotes, `neutral_sql` made NULL) and writes ISO dates;
    only its row ends differ (LF, not CRLF)."""
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    raw: Any = connection.connection.driver_connection
    encoding = raw.info.encoding
    with raw.cursor() as cursor:
        # Dates as Python writes them (YYYY-MM-DD) whatever the server's DateStyle.
        cursor.execute("SET LOCAL DateStyle = 'ISO'")
        yield from _copy_rows(cursor, f"COPY ({compiled.string}) TO STDOUT WITH (FORMAT csv)",
                              compiled.params, encoding, batch)


def _copy_rows(cursor: Any, sql: str, params: Any, encoding: str, batch: int) -> Iterator[str]:
    inside_quotes = False
    with cursor.copy(sql, params) as copy:
        blocks: list[Any] = []
        for block in copy:
            blocks.append(block)
            if len(blocks) >= batch:
                text, inside_quotes = _crlf_row_ends(b"".join(blocks), inside_quotes)
                yield text.decode(encoding)
                blocks.clear()
        text, inside_quotes = _crlf_row_ends(b"".join(blocks), inside_quotes)
        yield text.decode(encoding)


def _crlf_row_ends(data: bytes, inside_quotes: bool) -> tuple[bytes, bool]:
    """COPY's CSV with CRLF row ends, as Python's csv module writes them. A line feed ends a
    row unless it is inside a quoted cell (an odd number of quotes since the row began);
    `inside_quotes` carries that state from the previous chunk."""
    if not inside_quotes and b'"' not in data:
        return data.replace(b"\n", b"\r\n"), False
    pieces = data.split(b"\n")
    out = []
    for piece in pieces[:-1]:
        inside_quotes ^= piece.count(b'"') % 2 == 1
        out.append(piece + (b"\n" if inside_quotes else b"\r\n"))
    inside_quotes ^= pieces[-1].count(b'"') % 2 == 1
    out.append(pieces[-1])
    return b"".join(out), inside_quotes


def json_chunks(head: dict[str, Any], sections: Sequence[tuple[str, Iterable[dict[str, Any]]]],
                batch: int = BATCH_ROWS) -> Iterator[str]:
    """One JSON object: the `head` fields, then each section as an array streamed record by
    record. The result is valid JSON once every chunk is joined."""
    opening = json.dumps(head, default=_json_default)[:-1]
    yield opening + (", " if head else "")
    for index, (key, records) in enumerate(sections):
        yield ("" if index == 0 else ", ") + json.dumps(key) + ": ["
        parts: list[str] = []
        first = True
        for record in records:
            parts.append(("" if first else ",") + "\n" + json.dumps(record, default=_json_default))
            first = False
            if len(parts) >= batch:
                yield "".join(parts)
                parts = []
        yield "".join(parts) + "]"
    yield "}\n"


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
