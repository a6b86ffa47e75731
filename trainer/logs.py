"""Logging: readable lines in development, one JSON object per line in production.

Every record logged during a request carries that request's id (from the X-Request-ID
header of the proxy, or a new one), so a line in the logs leads to the request behind it.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from trainer import clock

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
# Anything shaped like an e-mail address (an SMTP server's answer may quote one).
_ADDRESS = re.compile(r"[^\s<>()\[\]\"',;:@]+@[^\s<>()\[\]\"',;:@]+\.[A-Za-z0-9-]+")


def without_addresses(text: str) -> str:
    """`text` with every e-mail address replaced by "<address>": for log lines."""
    return _ADDRESS.sub("<address>", text)


class AddressRedactingFilter(logging.Filter):
    """Last line of defence: no e-mail address leaves through Trainer's log handler, even
    from a library's log line (Trainer's own lines name people by id)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "@" in message:
            record.msg, record.args = without_addresses(message), None
        return True


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = _current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": clock.now().isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(production: bool) -> None:
    """Install one handler on the root logger (idempotent)."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "trainer", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler.trainer = True  # type: ignore[attr-defined]  # marks the handler installed here
        handler.addFilter(RequestIdFilter())
        handler.addFilter(AddressRedactingFilter())
        root.addHandler(handler)
    handler.setFormatter(JsonFormatter() if production else logging.Formatter(TEXT_FORMAT))
    root.setLevel(logging.INFO)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def _current_request_id() -> str:
    try:
        from flask import g, has_request_context
    except ImportError:  # pragma: no cover - Flask is always installed with Trainer
        return "-"
    if has_request_context():
        return str(getattr(g, "request_id", "-"))
    return "-"
