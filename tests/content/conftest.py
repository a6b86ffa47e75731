"""Fixtures for content tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import event

from trainer.extensions import db


@pytest.fixture
def sql_writes(app) -> Iterator[list[str]]:  # type: ignore[no-untyped-def]
    """Every INSERT, UPDATE or DELETE sent to the database while the test runs."""
    statements: list[str] = []

    def listener(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    yield statements
    event.remove(db.engine, "before_cursor_execute", listener)
