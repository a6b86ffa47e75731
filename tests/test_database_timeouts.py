"""Database time limits: a held table lock or a runaway query costs a request seconds, not a
worker; /readyz says "not ready" when the database cannot answer within a second."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from tests.conftest import Auth
from tests.factories import make_user
from trainer import create_app
from trainer.config import ConfigError
from trainer.extensions import db
from trainer.web.access import public


@contextlib.contextmanager
def table_locked(table: str) -> Iterator[None]:
    """Another session holds `table` so that nobody can even read it (a long migration)."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
        else:
            connection.exec_driver_sql("BEGIN EXCLUSIVE")  # SQLite: the whole file
        try:
            yield
        finally:
            connection.rollback()


def postgresql_only() -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("statement and lock timeouts are PostgreSQL's; SQLite has its busy timeout")


def test_readyz_is_not_ready_while_a_table_cannot_be_read(client):
    assert client.get("/readyz").status_code == 200
    with table_locked("users"):
        started = time.monotonic()
        response = client.get("/readyz")
        took = time.monotonic() - started
    assert response.status_code == 503
    assert response.get_json() == {"status": "not ready", "reason": "database slower than 1 s"}
    assert took < 10  # a second per statement, not the 30 s a worker would hang
    assert client.get("/readyz").status_code == 200  # and ready again once it is released


def test_a_page_waiting_on_a_held_lock_answers_503_busy(make_app, session):
    postgresql_only()
    make_user(session, email="ada@example.com")
    session.commit()
    app = make_app(LOCK_TIMEOUT_SECONDS=1)
    client = app.test_client()
    Auth(client).login("ada@example.com")
    with table_locked("users"):
        started = time.monotonic()
        response = client.get("/")
        took = time.monotonic() - started
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "The database is busy" in response.get_data(as_text=True)
    assert took < 10
    assert client.get("/").status_code == 200


def test_a_statement_running_too_long_is_cancelled_with_503(app, app_config):
    postgresql_only()
    app = create_app({**app_config, "STATEMENT_TIMEOUT_SECONDS": 1})

    @app.route("/slow")
    @public
    def slow():  # type: ignore[no-untyped-def]
        db.session.execute(text("SELECT pg_sleep(5)"))
        return "finished"

    started = time.monotonic()
    response = app.test_client().get("/slow", headers={"Accept": "application/json"})
    assert time.monotonic() - started < 4
    assert response.status_code == 503 and response.get_json()["error"] == "Busy"


def test_cli_commands_get_the_longer_limits(app, app_config):
    postgresql_only()
    shown = {}
    for cli in (False, True):
        app = create_app({**app_config, "CLI": cli})
        with app.app_context(), db.engine.connect() as connection:
            shown[cli] = (connection.scalar(text("SHOW statement_timeout")),
                          connection.scalar(text("SHOW lock_timeout")))
        with app.app_context():
            db.engine.dispose()
    assert shown == {False: ("10s", "5s"), True: ("1h", "1min")}


@pytest.mark.parametrize("value", [-1, "soon", 86401])
def test_bad_time_limits_are_named(app_config, value):
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/trainer"
    with pytest.raises(ConfigError, match="TRAINER_STATEMENT_TIMEOUT_SECONDS must be a number of seconds"):
        create_app({**app_config, "DATABASE_URL": url, "STATEMENT_TIMEOUT_SECONDS": value})
