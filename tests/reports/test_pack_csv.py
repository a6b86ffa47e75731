"""The auditor pack's course cycles and module completions are written by the database
(`csv_cells` + `csv_query_chunks`: COPY on PostgreSQL), its matrix from cells the database
wrote (`cell_rows`). They must be, byte for byte, what the pack wrote before from the same
query's rows in Python (`csv_chunks`: `neutral_row`, isoformat times): `python_csv` below
is that reference."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
import zlib

import pytest
from sqlalchemy import Boolean, DateTime, Float, String, literal, select

from tests.reports.dataset import TODAY, assign
from tests.reports.test_assignment_export import AWKWARD, build_awkward_org
from trainer.compliance.status import Thresholds
from trainer.models import Certificate, ModuleCompletion, ModuleVisit, Notification, QuizAttempt
from trainer.models.base import UTCDateTime
from trainer.reports.auditor_pack import PackRequest, pack_bytes
from trainer.reports.filters import ReportFilter
from trainer.reports.pack_data import (
    COMPLETION_COLUMNS,
    CYCLE_COLUMNS,
    Period,
    completion_query,
    cycle_query,
    matrix_courses,
    matrix_header,
    matrix_query,
    matrix_rows,
)
from trainer.reports.streaming import csv_cells, csv_chunks, csv_query_chunks, iso_time_sql, words

T = Thresholds()
DAY = dt.timedelta(days=1)
UTC = dt.UTC
# Times with and without microseconds, on the period's edges, one in another zone.
TIMES = [
    dt.datetime(2026, 6, 1, 9, 30, tzinfo=UTC),
    dt.datetime(2026, 6, 1, 9, 30, 0, 250000, tzinfo=UTC),
    dt.datetime(2026, 6, 2, 23, 59, 59, 999999, tzinfo=UTC),
    dt.datetime(2026, 6, 3, 0, 0, 0, 1, tzinfo=UTC),
    dt.datetime(2026, 1, 1, 0, 0, tzinfo=UTC),
    dt.datetime(2026, 6, 4, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
]


def python_csv(session, header, query) -> str:
    """The pack's CSV as written before: the query's rows (or rows) through Python's rules."""
    rows = session.execute(query) if hasattr(query, "selected_columns") else query
    return "".join(csv_chunks(header, rows))


def sql_csv(session, header, query, batch=2000) -> str:
    return "".join(csv_query_chunks(session, header, csv_cells(query), batch=batch))


def build_awkward_history(session):
    """The awkward organisation, with module completions, visits, attempts, certificates,
    notifications and closed cycles carrying awkward text and times."""
    org, course = build_awkward_org(session)
    versions = [m.current_version for m in (*org.course_a.active_modules, *course.active_modules)]
    people = [org.sam, org.sara, org.sid, org.uma, org.ugo, org.vic]
    for i, person in enumerate(people):
        version = versions[i % len(versions)]
        when = TIMES[i % len(TIMES)]
        if i % 3:
            session.add(ModuleVisit(user_id=person.id, module_version_id=version.id,
                                    first_seen_at=TIMES[(i + 1) % len(TIMES)] - DAY))
        for n in range(i % 3):
            session.add(QuizAttempt(user_id=person.id, module_version_id=version.id, token=f"t{i}-{n}",
                                    seed=1, question_ids=[], score=50, passed=False,
                                    started_at=when - DAY, submitted_at=when - DAY + n * DAY / 4))
        session.add(ModuleCompletion(user_id=person.id, module_id=version.module_id,
                                     module_version_id=version.id, completed_at=when,
                                     method="quiz" if i % 2 else "acknowledgement",
                                     score=None if i % 2 == 0 else 80 + i))
    cycle = assign(session, org.sara, org.course_b, cycle=2, reason="refresher", due=TODAY - DAY,
                   completed=TODAY - 10 * DAY, expires=TODAY + 300 * DAY, current=False)
    session.add(Certificate(code=AWKWARD[0][:32], user_id=org.sara.id, course_id=org.course_b.id,
                            assignment_id=cycle.id, completed_on=TODAY - 10 * DAY, expires_on=None,
                            versions=[], issued_at=TIMES[0]))
    closed = assign(session, org.sid, org.course_b, cycle=2, reason="major_change", due=TODAY + DAY,
                    closed=TODAY - DAY, current=False)
    closed.closed_reason = "left, \"for good\"\n=SUM(A1)"
    for kind, day in (("overdue", 2), ("overdue", 3), ("escalation", 3), ("overdue", 400)):
        sent = dt.datetime(2026, 6, 1, 9, tzinfo=UTC) + day * DAY
        session.add(Notification(user_id=org.sara.id, subject_user_id=org.sara.id, assignment_id=cycle.id,
                                 kind=kind, dedupe_key=f"{kind}:{day}", channel="email", created_at=sent,
                                 sent_at=sent))
    session.commit()
    return org, course


def periods():
    return [Period(TODAY - 365 * DAY, TODAY, TODAY), Period(dt.date(2026, 6, 1), dt.date(2026, 6, 3),
                                                            dt.date(2026, 6, 3)),
            Period(dt.date(2026, 1, 1), dt.date(2026, 6, 1), TODAY + 30 * DAY)]


def filters(org, course):
    return [ReportFilter(), ReportFilter(course_id=course.id), ReportFilter(department_id=0),
            ReportFilter(scope=frozenset({org.sales_id}))]


def test_course_cycles_in_sql_are_what_python_wrote(session):
    org, course = build_awkward_history(session)
    for period in periods():
        for f in filters(org, course):
            query = cycle_query(f, period, T)
            assert sql_csv(session, CYCLE_COLUMNS, query) == python_csv(session, CYCLE_COLUMNS, query), (
                period, f)
    everything = sql_csv(session, CYCLE_COLUMNS, cycle_query(ReportFilter(), periods()[0], T))
    assert everything.count("\r\n") > 40
    assert "'=cmd|' /C calc'!A0" in everything and '"left, ""for good""\n=SUM(A1)"' in everything
    assert ",2,1," in everything  # reminders and escalations sent by the as-of day (not the later one)


def test_module_completions_in_sql_are_what_python_wrote(session):
    org, course = build_awkward_history(session)
    for period in periods():
        for f in filters(org, course):
            query = completion_query(f, period)
            assert sql_csv(session, COMPLETION_COLUMNS, query) == python_csv(session, COMPLETION_COLUMNS,
                                                                             query), (period, f)
    everything = sql_csv(session, COMPLETION_COLUMNS, completion_query(ReportFilter(), periods()[0]))
    assert everything.count("\r\n") == 7
    for written in ("2026-06-01T09:30:00+00:00", "2026-06-01T09:30:00.250000+00:00",
                    "2026-06-02T23:59:59.999999+00:00", "2026-06-03T00:00:00.000001+00:00",
                    "2026-06-03T19:30:00+00:00"):
        assert written in everything


def test_the_same_whatever_the_batch(session):
    build_awkward_history(session)
    query = cycle_query(ReportFilter(), periods()[0], T)
    whole = sql_csv(session, CYCLE_COLUMNS, query)
    for batch in (1, 3):
        assert sql_csv(session, CYCLE_COLUMNS, query, batch=batch) == whole


@pytest.mark.parametrize("time", [*TIMES, None])
def test_utc_times_in_sql_are_isoformat(session, time):
    """Stored and read back as the pack's columns are: through a UTCDateTime column."""
    visit_time = time or TIMES[0]
    org, _ = build_awkward_history(session)
    version = org.course_a.active_modules[0].current_version
    session.add(ModuleVisit(user_id=org.uma.id, module_version_id=version.id, first_seen_at=visit_time))
    session.flush()
    column = ModuleVisit.first_seen_at if time else literal(None, UTCDateTime())
    query = select(column).where(ModuleVisit.user_id == org.uma.id,
                                 ModuleVisit.module_version_id == version.id)
    expected = time.astimezone(UTC).isoformat() if time else None
    assert session.execute(select(iso_time_sql(query.scalar_subquery()))).scalar_one() == expected


def test_cells_by_type(session):
    """Text is neutralised, words and numbers are not, other types are refused."""
    query = select(literal("=x", String()), words(literal("=x", String())), literal(3))
    assert session.execute(csv_cells(query)).one() == ("'=x", "=x", 3)
    for kind in (Boolean(), Float(), DateTime()):
        with pytest.raises(TypeError):
            csv_cells(select(literal(None, kind)))


def test_an_empty_period_is_the_header(session):
    build_awkward_history(session)
    period = Period(dt.date(2000, 1, 1), dt.date(2000, 1, 2), dt.date(2000, 1, 2))
    assert sql_csv(session, COMPLETION_COLUMNS, completion_query(ReportFilter(), period)) == (
        ",".join(COMPLETION_COLUMNS) + "\r\n")


def test_the_matrix_from_the_databases_cells_is_what_python_wrote(session):
    org, course = build_awkward_history(session)
    for period in periods():
        for f in filters(org, course):
            request = PackRequest(period, f, "scope", "Example", T)
            with zipfile.ZipFile(io.BytesIO(pack_bytes(session, request))) as pack:
                written = pack.read("completion-matrix.csv").decode("utf-8")
            courses = matrix_courses(session, f, period)
            rows = matrix_rows(session.execute(matrix_query(f, period, T)), courses)
            assert written == python_csv(session, matrix_header(courses), rows), (period, f)
            assert written.count("\r\n") > (1 if f.department_id is None else 0)


def test_entries_are_deflated_at_level_one(session):
    build_awkward_history(session)
    request = PackRequest(periods()[0], ReportFilter(), "scope", "Example", T)
    with zipfile.ZipFile(io.BytesIO(pack_bytes(session, request))) as pack:
        for info in pack.infolist():
            deflate = zlib.compressobj(1, zlib.DEFLATED, -15)
            data = pack.read(info)
            assert info.compress_size == len(deflate.compress(data) + deflate.flush()), info.filename
