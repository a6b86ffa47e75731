"""Inserting many rows at once: COPY on PostgreSQL, executemany elsewhere; counting the rows
a bulk UPDATE, DELETE or INSERT touched.

COPY streams rows in the session's own transaction and is several times faster than
multi-row INSERTs for the hundreds of thousands of rows a first assignment sync writes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import JSON, Table, insert
from sqlalchemy.engine import Connection, CursorResult, Result


def insert_rows(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> int:
    """Insert `rows` (dicts with the same keys) into `table`; returns how many."""
    if not rows:
        return 0
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), list(rows))
        return len(rows)
    columns = list(rows[0])
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    names = ", ".join(connection.dialect.identifier_preparer.quote(c) for c in columns)
    raw = connection.connection.driver_connection
    if raw is None:  # only a closed or invalidated connection has none
        raise RuntimeError("insert_rows needs an open database connection")
    with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([json.dumps(row[c]) if c in json_columns else row[c] for c in columns])
    return len(rows)


def rowcount(result: Result[*tuple[Any, ...]]) -> int:
    """How many rows a DML statement's result touched. `Session.execute` is typed to return a
    Result; for INSERT, UPDATE and DELETE it is a CursorResult, which has the count."""
    return cast(CursorResult[*tuple[Any, ...]], result).rowcount
