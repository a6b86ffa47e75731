"""PostgreSQL: a page's first reads run before its transaction begins.

psycopg sends `BEGIN` in a round trip of its own before a transaction's first statement,
and the request's end sends `ROLLBACK` in another: for an employee page of two statements
(the signed-in person, the page), four round trips instead of two. The hot read-only
statements are marked with `outside_transaction(statement)`; run while the connection has
no transaction open, such a statement runs on its own (autocommit), so nothing has begun
and the end of the request has nothing to roll back (psycopg sends nothing then). The first
unmarked statement begins the transaction as before, so every write is in one.

Under READ COMMITTED (PostgreSQL's default, and Trainer's) each statement reads its own
snapshot whether or not a transaction is open, so a marked read sees what it would have
seen inside one. A connection asked for another isolation level (whose transaction holds
one snapshot for all its reads) runs marked statements inside the transaction, and so does
anything after the transaction began. SQLite is left as it is (no round trips).
"""

from __future__ import annotations

import contextlib
from typing import Any, TypeVar

from psycopg.pq import TransactionStatus
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.sql import Executable

OUTSIDE_TRANSACTION = "trainer_outside_transaction"
_SWITCHED = "trainer_autocommit_switched"
E = TypeVar("E", bound=Executable)


def outside_transaction(statement: E) -> E:
    """Mark a read-only statement (no locks, no side effects) that may run before the
    request's transaction begins."""
    return statement.execution_options(**{OUTSIDE_TRANSACTION: True})


def install(engine: Engine) -> None:
    """PostgreSQL (psycopg) engines only."""
    event.listen(engine, "before_cursor_execute", _before)
    event.listen(engine, "after_cursor_execute", _after)
    event.listen(engine, "handle_error", _on_error)
    event.listen(engine, "checkin", _on_checkin)


def _before(conn: Any, cursor: Any, statement: Any, parameters: Any, context: Any, executemany: bool) -> None:
    if context is None:  # SQLAlchemy's own statements (defaults, sequences)
        return
    options = context.execution_options
    if not options.get(OUTSIDE_TRANSACTION) or options.get("isolation_level"):
        return
    if conn.dialect.default_isolation_level != "READ COMMITTED":
        return
    dbapi_connection = conn.connection.dbapi_connection
    if dbapi_connection.autocommit or dbapi_connection.info.transaction_status != TransactionStatus.IDLE:
        return
    dbapi_connection.autocommit = True
    conn.info[_SWITCHED] = True


def _after(conn: Any, cursor: Any, statement: Any, parameters: Any, context: Any, executemany: bool) -> None:
    if conn.info.pop(_SWITCHED, False):
        conn.connection.dbapi_connection.autocommit = False


def _on_error(context: Any) -> None:
    conn = context.connection
    # A lost connection may refuse even to be looked at: check-in is the backstop.
    with contextlib.suppress(Exception):
        if conn is not None and conn.info.pop(_SWITCHED, False):
            _transactions_back(conn.connection.dbapi_connection)


def _on_checkin(dbapi_connection: Any, record: Any) -> None:
    # Whatever happened, a connection goes back to the pool beginning transactions.
    if dbapi_connection is not None and getattr(dbapi_connection, "autocommit", False):
        _transactions_back(dbapi_connection)


def _transactions_back(dbapi_connection: Any) -> None:
    # A broken connection refuses; the pool discards it anyway.
    with contextlib.suppress(Exception):
        dbapi_connection.autocommit = False

