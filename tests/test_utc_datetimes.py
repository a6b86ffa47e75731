"""UTCDateTime reads every value as SQLAlchemy's own chain would (the driver's conversion,
then process_result_value), though in one function with a faster path for SQLite's text
(trainer/models/base.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import DateTime, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from trainer.models.base import UTCDateTime

UTC = dt.UTC
# As SQLite's dialect writes them, and as other writers (raw SQL, older rows) might have.
TEXTS = ["2026-03-04 10:00:00.000000", "2026-03-04 10:00:00", "2026-03-04T10:00:00.5",
         "2026-03-04 10:00:00+02:00", "2026-03-04 10:00:00.123456-05:30", "2026-03-04 10:00:00Z",
         "2026-03-04", "2026-03-04 10"]


def the_long_way(value, dialect):  # type: ignore[no-untyped-def]
    driver = DateTime(timezone=True).dialect_impl(dialect).result_processor(dialect, None)
    return UTCDateTime().process_result_value(driver(value) if driver else value, dialect)


@pytest.mark.parametrize("text", [*TEXTS, None])
def test_sqlite_text_reads_as_the_long_way(text):
    dialect = sqlite.dialect()
    read = UTCDateTime().dialect_impl(dialect).result_processor(dialect, None)
    expected, got = the_long_way(text, dialect), read(text)
    assert got == expected
    assert (got.tzinfo if got else None) is (expected.tzinfo if expected else None)
    if got is not None:
        assert got.tzinfo is UTC


def test_text_that_does_not_parse_is_refused_as_before():
    dialect = sqlite.dialect()
    with pytest.raises(ValueError):
        UTCDateTime().dialect_impl(dialect).result_processor(dialect, None)("not a time")


@pytest.mark.parametrize("value", [
    dt.datetime(2026, 3, 4, 10, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    dt.datetime(2026, 3, 4, 10, tzinfo=UTC), dt.datetime(2026, 3, 4, 10), None])
def test_postgresql_datetimes_read_as_the_long_way(value):
    dialect = postgresql.dialect()
    read = UTCDateTime().dialect_impl(dialect).result_processor(dialect, None)
    assert read(value) == the_long_way(value, dialect)
    if value is not None:
        assert read(value).tzinfo is UTC


def test_a_time_reads_back_aware_in_utc_from_the_database(session):
    """Through the database under test: written by the dialect, read by the processor."""
    moment = dt.datetime(2026, 3, 4, 10, 7, 1, 250, tzinfo=dt.timezone(dt.timedelta(hours=-3)))
    value = session.execute(select(bindparam("t", moment, type_=UTCDateTime()))).scalar_one()
    assert value == moment and value.tzinfo is UTC
