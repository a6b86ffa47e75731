"""Trainer: self-hosted data-protection training for staff."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from trainer.config import ConfigError, apply_config
from trainer.logs import configure_logging

__all__ = ["MIGRATIONS_DIRECTORY", "ConfigError", "create_app"]

MIGRATIONS_DIRECTORY = os.path.join(os.path.dirname(__file__), "migrations")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI commands.

    `config` overrides TRAINER_* environment settings (tests pass their database here);
    INSTANCE_PATH (or TRAINER_INSTANCE_PATH) moves the instance folder (database, secret).
    Nothing here touches the database: migrations run only from `trainer db upgrade`.
    """
    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get("TRAINER_INSTANCE_PATH")
    instance_path = os.path.abspath(instance_path) if instance_path else None
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path)
    apply_config(app.config, app.instance_path, config)
    _check_reminder_settings(app)
    _check_sign_in_settings(app)
    _init_logging(app)
    _init_extensions(app)
    from trainer.web.params import init_params

    init_params(app)  # before the blueprints add their routes
    _register_blueprints(app)
    _register_cli(app)
    if app.config["PROXY_COUNT"]:
        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]  # Flask's documented way
    return app


def _check_reminder_settings(app: Flask) -> None:
    """Unusable reminder or mail settings stop start-up with a ConfigError naming them."""
    from trainer.notify.settings import ReminderSettings

    ReminderSettings.from_config(app.config)


def _check_sign_in_settings(app: Flask) -> None:
    """Unusable single sign-on settings stop start-up with a ConfigError naming them."""
    from trainer.identity.policy import PasswordPolicy
    from trainer.identity.settings import SignInSettings

    SignInSettings.from_config(app.config)
    PasswordPolicy.from_config(app.config)


def _init_logging(app: Flask) -> None:
    if not app.testing:
        configure_logging(production=app.config["ENV"] == "production")


def _init_extensions(app: Flask) -> None:
    from trainer.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    # Migrations ship inside the package, so `trainer db upgrade` works from any directory.
    migrate.init_app(app, db, directory=MIGRATIONS_DIRECTORY, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    _enable_sqlite_foreign_keys(app)
    _tune_postgresql_connections(app)


def _enable_sqlite_foreign_keys(app: Flask) -> None:
    """SQLite enforces foreign keys only when asked, per connection."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from sqlalchemy import event

    from trainer.extensions import db

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    with app.app_context():
        event.listen(db.engine, "connect", on_connect)


def _tune_postgresql_connections(app: Flask) -> None:
    """PostgreSQL: a pooled connection is tested before use after it sat idle
    (trainer/pool_ping.py); marked reads run before the transaction begins (trainer/reads.py)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    from trainer import reads
    from trainer.extensions import db
    from trainer.pool_ping import ping_after_idle

    with app.app_context():
        ping_after_idle(db.engine)
        reads.install(db.engine)


def _register_blueprints(app: Flask) -> None:
    from trainer.web import init_web

    init_web(app)


def _register_cli(app: Flask) -> None:
    from trainer.cli import register_commands

    register_commands(app)
