"""Whole days between two dates, as SQL that SQLite and PostgreSQL both understand."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, Integer, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement


class _DaysBetween(FunctionElement[int]):
    type = Integer()
    inherit_cache = True
    name = "days_between"


def days_between(later: Any, earlier: Any) -> ColumnElement[int]:
    """`later - earlier` in days; either side may be a date column or a Python date."""
    return _DaysBetween(_as_date(later), _as_date(earlier))


def _as_date(value: Any) -> Any:
    return literal(value, Date()) if isinstance(value, dt.date) else value


@compiles(_DaysBetween)
def _postgresql(element: _DaysBetween, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    # date - date is an integer number of days in PostgreSQL.
    return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"


@compiles(_DaysBetween, "sqlite")
def _sqlite(element: _DaysBetween, compiler: Any, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    # SQLite keeps dates as ISO text; julianday() of two midnights differs by whole days.
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"
