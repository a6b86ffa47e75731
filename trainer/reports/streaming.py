"""CSV and JSON written as a stream of text chunks, in constant memory.

Rows come from a database cursor one at a time and leave as text in small batches, so an
export of half a million rows never holds more than a batch. CSV cells that a spreadsheet
would run as a formula are neutralised.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = frozenset("=+-@\t\r")
BATCH_ROWS = 500


def _formula_like(text: str) -> bool:
    """Starts with a formula trigger, also after NFKC normalisation: spreadsheets read the
    full-width equals sign (U+FF1D) and the small plus sign (U+FE62) as = and +."""
    first = text[0]
    if first < "\x80":
        return first in FORMULA_TRIGGERS
    normalised = unicodedata.normalize("NFKC", text[:2])
    return bool(normalised) and normalised[0] in FORMULA_TRIGGERS


def neutral_row(row: Iterable[Any]) -> list[Any]:
    """CSV cells that cannot run as formulas: text starting with = + - @ tab or CR (after
    NFKC normalisation) gets a leading apostrophe (spreadsheets show it as text). Numbers
    pass unchanged, times are written in ISO 8601, None is empty. Written for speed: it
    runs for every cell."""
    return [
        ("'" + v if v and _formula_like(v) else v) if type(v) is str
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
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(neutral_row(header))
    pending = 0
    for row in rows:
        writer.writerow(neutral_row(row))
        pending += 1
        if pending >= batch:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


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
