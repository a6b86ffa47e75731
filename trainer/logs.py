"""Logging: readable lines in development, one JSON object per line in production.

Every record logged during a request carries that request's id (from the X-Request-ID
header of the proxy, or a new one), so a line in the logs leads to the request behind it.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from trainer import clock

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"


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
