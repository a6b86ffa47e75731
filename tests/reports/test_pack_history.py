"""The auditor pack reads the assignment history six times; it writes it down once in a
temporary table (`trend.history_table`) and every query reads that. The table must hold
exactly what `assignment_history` computes, give every query the same rows, and be gone
afterwards. Module completions come in order from an index (no sort of a year's rows), and
acknowledgements from one of their own (migration 0019)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, inspect, select, text

from tests.reports.test_pack_csv import T, build_awkward_history, filters, periods
from trainer.reports.auditor_pack import PackRequest, pack_bytes
from trainer.reports.pack_data import (
    completion_query,
    cycle_query,
    matrix_courses,
    matrix_query,
    policy_acknowledgement_query,
)
from trainer.reports.pack_summary import summary_figures
from trainer.reports.trend import HISTORY_TABLE, assignment_history, history_table


def _rows(session, query):
    return sorted(map(tuple, session.execute(query)), key=repr)


def _has_history_table(session) -> bool:
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        found = text("SELECT count(*) FROM sqlite_temp_master WHERE name = :name")
        return connection.execute(found, {"name": HISTORY_TABLE}).scalar() > 0
    return connection.execute(text("SELECT to_regclass(:name) IS NOT NULL"), {"name": HISTORY_TABLE}).scalar()


def test_the_history_table_holds_what_the_history_computes_and_is_dropped(session):
    org, course = build_awkward_history(session)
    for f in filters(org, course):
        computed = _rows(session, select(assignment_history(f)))
        assert computed
        with history_table(session, f) as table:
            assert _rows(session, select(table)) == computed
        assert not _has_history_table(session)


def test_every_pack_query_reads_the_same_rows_from_the_table(session):
    org, course = build_awkward_history(session)
    for f in filters(org, course):
        for period in periods():
            with history_table(session, f) as table:
                assert matrix_courses(session, f, period, table) == matrix_courses(session, f, period)
                for query in (matrix_query, cycle_query):
                    assert _rows(session, query(f, period, T, table)) == _rows(session, query(f, period, T))
                assert (summary_figures(session, f, period, T, "Org", "all", None, table)
                        == summary_figures(session, f, period, T, "Org", "all", None))


def test_two_packs_in_a_row_on_one_connection(session):
    """The temporary table's name is reused: the first pack dropped it, and one left behind
    by a pack that failed half-way (on SQLite) is dropped before the next is made."""
    org, course = build_awkward_history(session)
    request = PackRequest(periods()[0], filters(org, course)[0], "all departments", "Org", T)
    first = pack_bytes(session, request)
    if session.connection().dialect.name == "sqlite":
        session.connection().execute(text(f"CREATE TEMPORARY TABLE {HISTORY_TABLE} (leftover INTEGER)"))
    assert pack_bytes(session, request) == first
    assert not _has_history_table(session)


def test_the_migration_and_the_model_declare_the_completion_indexes(session):
    names = {index["name"] for index in inspect(session.connection()).get_indexes("module_completions")}
    assert {"ix_module_completions_user_time", "ix_module_completions_acknowledged"} <= names


AT_50_000 = [
    ("users", "ix_users_name", "50000 1"),
    ("users", "ix_users_manager", "50000 10"),
    ("users", "ix_users_job_role", "50000 2000"),
    ("users", "ix_users_department_active", "50000 4167 2084"),
    ("users", "sqlite_autoindex_users_1", "50000 50000"),
    ("users", "sqlite_autoindex_users_2", "50000 1"),
    ("users", "sqlite_autoindex_users_3", "50000 50000"),
    ("module_completions", "ix_module_completions_user_time", "2242008 45 1"),
    ("module_completions", "ix_module_completions_user_module", "2242008 45 2 1"),
    ("module_completions", "ix_module_completions_completed_at", "2242008 1040"),
]


def _plan(session, query) -> str:
    connection = session.connection()
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    if connection.dialect.name == "sqlite":
        return " | ".join(row[3] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
    connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
    return " | ".join(row[0] for row in connection.exec_driver_sql(f"EXPLAIN {compiled}"))


def test_a_periods_completions_come_in_order_from_the_people_index(session):
    if session.connection().dialect.name != "sqlite":
        pytest.skip("PostgreSQL chooses by its statistics (at 50,000 it reads this index too)")
    org, course = build_awkward_history(session)
    # SQLite plans by sqlite_stat1: give it the statistics of the bench's 50,000 people
    # (45 completions each, two years of them) for the tables that decide the order, and
    # put back what was there (the test database outlives this test; other tests' plans
    # must not change).
    has_statistics = session.execute(text(
        "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")).scalar()
    saved = session.execute(text("SELECT tbl, idx, stat FROM sqlite_stat1")).all() if has_statistics else []
    try:
        session.execute(text("ANALYZE"))  # the small tables as they are
        for table, index, stat in AT_50_000:
            row = {"t": table, "i": index, "s": stat}
            session.execute(text("DELETE FROM sqlite_stat1 WHERE tbl = :t AND idx IS :i"), row)
            session.execute(text("INSERT INTO sqlite_stat1 VALUES (:t, :i, :s)"), row)
        session.execute(text("ANALYZE sqlite_schema"))  # reloads the statistics
        plan = _plan(session, completion_query(filters(org, course)[0], periods()[0]))
    finally:
        session.execute(text("DELETE FROM sqlite_stat1"))
        for table, index, stat in saved:
            row = {"t": table, "i": index, "s": stat}
            session.execute(text("INSERT INTO sqlite_stat1 VALUES (:t, :i, :s)"), row)
        session.commit()  # ANALYZE itself was not rolled back with the test's transaction
        session.execute(text("ANALYZE sqlite_schema"))
    assert "ix_module_completions_user_time" in plan
    assert "TEMP B-TREE FOR ORDER BY" not in plan, plan


def test_policy_acknowledgements_are_found_by_their_own_index(session):
    org, course = build_awkward_history(session)
    plan = _plan(session, policy_acknowledgement_query(filters(org, course)[0], periods()[0]))
    assert "ix_module_completions_acknowledged" in plan, plan


def test_a_pack_computes_the_history_once(session):
    """The window over every assignment runs once, filling the table; every other read of
    the history is a read of the table (a query given no `history=` would compute it again)."""
    org, course = build_awkward_history(session)
    request = PackRequest(periods()[0], filters(org, course)[0], "all departments", "Org", T)
    statements: list[str] = []

    def keep(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(session.get_bind(), "before_cursor_execute", keep)
    try:
        pack_bytes(session, request)
    finally:
        event.remove(session.get_bind(), "before_cursor_execute", keep)
    windows = [s for s in statements if "lead(" in s.lower()]
    assert len(windows) == 1 and windows[0].lstrip().upper().startswith("INSERT INTO"), windows
    assert sum(HISTORY_TABLE in s for s in statements) >= 6  # the six reads, and the table's own
