"""PostgreSQL: test a pooled connection before use only when it has sat idle.

A pooled connection can be dead when it is taken: the server restarted, an administrator
ended the session, a firewall dropped an idle link. SQLAlchemy's `pool_pre_ping` finds out
with a `SELECT 1` each time a connection leaves the pool, which on a busy worker is one more
round trip per request (about 5% of an employee page). A connection handed back a moment ago
is almost always alive, so this pings only when it has been idle at least
PING_AFTER_IDLE_SECONDS; a dead one is replaced before the request sees it, as with
`pool_pre_ping`.

A connection that dies while busy (the server restarts under load) fails the statement that
finds out; SQLAlchemy then replaces every connection the pool held, and the page answers 503
"try again" (trainer/web/errors.py), not 500.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

PING_AFTER_IDLE_SECONDS = 1.0


def ping_after_idle(engine: Engine) -> None:
    """Install the checks on `engine`'s pool (instead of `pool_pre_ping`)."""
    event.listen(engine, "checkin", _note_idle)
    event.listen(engine, "checkout", _ping_if_idle(engine))


def _note_idle(dbapi_connection: Any, record: Any) -> None:
    # record.info belongs to this DBAPI connection: emptied when it is replaced, so a new
    # connection is not pinged (it was just made).
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(engine: Engine) -> Any:
    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        ping(engine, dbapi_connection)

    return checkout


def ping(engine: Engine, dbapi_connection: Any) -> None:
    """The dialect's own ping (`SELECT 1`, outside a transaction). A disconnection raises
    DisconnectionError, on which the pool replaces the connection and tries again
    (SQLAlchemy's documented pessimistic check); any other error is raised as it is."""
    dialect = engine.dialect
    try:
        dialect.do_ping(dbapi_connection)
    except dialect.loaded_dbapi.Error as error:
        if dialect.is_disconnect(error, dbapi_connection, None):
            raise DisconnectionError(str(error)) from error
        raise
