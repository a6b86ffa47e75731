"""PostgreSQL: a pooled connection that died is never a 500 (trainer/pool_ping.py). One that
sat idle is tested before use and replaced unseen; one in steady use is not tested (a round
trip per request), and if it died the page says 503 "try again" and the next one works."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.exc import ProgrammingError

from tests.factories import make_user
from trainer import pool_ping
from trainer.extensions import db
from trainer.models import User
from trainer.reads import outside_transaction


@pytest.fixture
def postgresql(app):  # type: ignore[no-untyped-def]
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the pool's connection checks are for PostgreSQL's server connections")


@pytest.fixture
def pings(monkeypatch):  # type: ignore[no-untyped-def]
    seen: list[int] = []
    original = pool_ping.ping

    def counting(engine, dbapi_connection):  # type: ignore[no-untyped-def]
        seen.append(1)
        return original(engine, dbapi_connection)

    monkeypatch.setattr(pool_ping, "ping", counting)
    return seen


@pytest.fixture
def signed_in(app, session, auth, client):  # type: ignore[no-untyped-def]
    make_user(session, email="ada@example.com")
    session.commit()
    auth.login("ada@example.com")
    assert client.get("/").status_code == 200
    session.close()  # the test's own session gives its connection back too
    return client


@pytest.fixture
def end_every_pooled_connection(app):  # type: ignore[no-untyped-def]
    """What a database restart does to the pool: ends the server side of each connection.
    Afterwards the pool is emptied: the fixtures' clean-up would otherwise take one the test
    left dead and not idle long enough to be pinged (the design: see the busy test)."""
    yield _end_every_pooled_connection
    db.engine.dispose()


def _end_every_pooled_connection() -> int:
    admin = create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            return len(connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).all())
    finally:
        admin.dispose()


def test_a_connection_in_steady_use_is_not_pinged(postgresql, signed_in, pings, monkeypatch):
    monkeypatch.setattr(pool_ping, "PING_AFTER_IDLE_SECONDS", 60)
    for _ in range(3):
        assert signed_in.get("/").status_code == 200
    assert pings == []
    assert not db.engine.pool._pre_ping  # nor SQLAlchemy's ping on every checkout


def test_an_idle_connection_that_died_is_replaced_before_the_page_sees_it(
        postgresql, signed_in, pings, monkeypatch, end_every_pooled_connection):
    monkeypatch.setattr(pool_ping, "PING_AFTER_IDLE_SECONDS", 0)  # every connection "idle"
    assert end_every_pooled_connection() >= 1
    assert signed_in.get("/").status_code == 200
    assert pings  # found dead by the ping, not by the page


def test_a_busy_connection_that_died_answers_503_and_the_next_request_works(
        postgresql, signed_in, pings, monkeypatch, end_every_pooled_connection):
    monkeypatch.setattr(pool_ping, "PING_AFTER_IDLE_SECONDS", 3600)  # not idle: no ping
    assert end_every_pooled_connection() >= 1
    response = signed_in.get("/")
    assert response.status_code == 503
    assert "connection to the database was lost" in response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "1"
    assert signed_in.get("/").status_code == 200
    assert pings == []


# --- marked reads before the transaction (trainer/reads.py) -------------------------------

def transaction_states(statements_seen: list) -> object:  # type: ignore[type-arg]
    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        status = conn.connection.dbapi_connection.info.transaction_status
        statements_seen.append((statement.split()[0], status.name))

    return record


@pytest.fixture
def states(app):  # type: ignore[no-untyped-def]
    seen: list = []  # type: ignore[type-arg]
    listener = transaction_states(seen)
    event.listen(db.engine, "after_cursor_execute", listener)
    yield seen
    event.remove(db.engine, "after_cursor_execute", listener)


def test_employee_pages_read_without_beginning_a_transaction(postgresql, signed_in, states):
    """No BEGIN is sent (every statement left the connection idle), so no ROLLBACK either."""
    for path in ("/", "/me/transcript"):
        states.clear()
        assert signed_in.get(path).status_code == 200
        if path == "/":
            assert states and all(status == "IDLE" for _, status in states), states
    # The transcript's statements are not marked: its first one begins the transaction.
    assert states[0][1] == "IDLE" and "INTRANS" in {status for _, status in states}


def test_writes_after_a_marked_read_are_still_one_transaction(postgresql, session):
    marked = outside_transaction(select(func.count()).select_from(User))
    assert session.connection().execute(marked).scalar() == 0
    assert session.connection().connection.dbapi_connection.info.transaction_status.name == "IDLE"
    make_user(session, email="ada@example.com")
    make_user(session, email="bob@example.com")
    session.flush()
    assert session.connection().connection.dbapi_connection.info.transaction_status.name == "INTRANS"
    session.rollback()
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_a_marked_read_inside_a_transaction_stays_inside(postgresql, session):
    session.execute(select(User.id).limit(1))  # unmarked: the transaction begins
    session.connection().execute(outside_transaction(select(func.count()).select_from(User)))
    assert session.connection().connection.dbapi_connection.info.transaction_status.name == "INTRANS"


def test_a_failed_marked_read_leaves_transactions_on(postgresql, session):
    with pytest.raises(ProgrammingError):
        session.connection().execute(outside_transaction(text("SELECT * FROM no_such_table")))
    session.rollback()
    assert not session.connection().connection.dbapi_connection.autocommit
    make_user(session, email="ada@example.com")
    session.flush()
    session.rollback()
    assert session.scalar(select(func.count()).select_from(User)) == 0
