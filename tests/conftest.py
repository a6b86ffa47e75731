"""Fixtures shared by every test.

One database per test run: a temporary SQLite file, or the PostgreSQL database named by
TRAINER_TEST_DATABASE_URL (the Makefile creates and drops a throwaway one). The schema is
built by the real migrations once; each test starts from empty tables.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url

# Tests must not pick up a developer's TRAINER_* settings.
for _name in [n for n in os.environ if n.startswith("TRAINER_") and not n.startswith("TRAINER_TEST_")]:
    del os.environ[_name]

from tests import factories  # noqa: E402
from trainer import clock, create_app  # noqa: E402
from trainer.extensions import db, limiter  # noqa: E402
from trainer.learning import content_cache  # noqa: E402

pytest_plugins = ["tests.fixtures.live", "tests.fixtures.smtp", "tests.fixtures.oidc_provider"]

TEST_SECRET = "test-secret-key-that-is-long-enough-for-anything-0123456789"


def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TRAINER_TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.db")


@pytest.fixture(scope="session")
def test_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def app_config(test_database_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict:
    return {
        "TESTING": True,
        "DATABASE_URL": test_database_url,
        "SECRET_KEY": TEST_SECRET,
        "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
        "BASE_URL": "http://trainer.test",
    }


class IsolatedClient(FlaskClient):
    """Each request gets its own app context, as in production.

    Tests hold an app context open for `db.session`; without this, requests would share
    its `g` (and Flask-Login's cached user) and its database session.
    """

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def _session_app(app_config: dict) -> Iterator[Flask]:
    from flask_migrate import upgrade

    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _drop_everything()
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(_session_app: Flask) -> Iterator[Flask]:
    """The app with empty tables, a fresh limiter, the real clock and its config restored."""
    saved_config = dict(_session_app.config)
    with _session_app.app_context():
        yield _session_app
        db.session.remove()
        _empty_tables()
    # The next test's rows reuse ids (and factories' content hashes may repeat).
    content_cache.versions.clear()
    _session_app.config.clear()
    _session_app.config.update(saved_config)
    limiter.reset()
    clock.freeze(None)


@pytest.fixture
def scratch_database(test_database_url, tmp_path):
    """A second, empty database of the same kind as the test database."""
    url = make_url(test_database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    name = f"trainer_scratch_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def make_app(app_config: dict, app: Flask):  # type: ignore[no-untyped-def]
    """Build a separate app on the test database, e.g. to add routes or change settings."""

    def build(**overrides):  # type: ignore[no-untyped-def]
        built = create_app({**app_config, **overrides})
        built.test_client_class = IsolatedClient
        return built

    return build


@pytest.fixture
def session(app: Flask):  # type: ignore[no-untyped-def]
    return db.session


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


class Auth:
    """Sign in through the real form (CSRF token included) as a test client."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str, password: str = factories.PASSWORD):  # type: ignore[no-untyped-def]
        token = csrf_token(self.client, "/login")
        return self.client.post("/login", data={"email": email, "password": password,
                                                "csrf_token": token})

    def logout(self):  # type: ignore[no-untyped-def]
        token = csrf_token(self.client, "/")
        return self.client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    return Auth(client)


@pytest.fixture
def statements(app):  # type: ignore[no-untyped-def]
    """The SQL statements run while the fixture is in use (cleared by the test as it likes)."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token from a form on `path`, as a browser would submit it."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, f"no CSRF token in {path}"
    return match.group(1)


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            connection.execute(text("PRAGMA foreign_keys=OFF"))
            for table in tables:
                connection.execute(text(f'DELETE FROM "{table}"'))
            connection.execute(text("PRAGMA foreign_keys=ON"))


def _drop_everything() -> None:
    """Start from an empty database even if a previous run was interrupted."""
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        else:
            db.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
