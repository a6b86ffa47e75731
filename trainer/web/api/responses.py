"""JSON answers shared by the API's routes: errors, cursors, page sizes, dates."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue

ERRORS = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
          413: "Too large", 422: "Unprocessable", 500: "Server error"}
DEFAULT_LIMIT = 100
MAX_LIMIT = 500


class BadRequest(ValueError):
    """A query parameter or body the API cannot use; the message says which."""


def api_error(status: int, message: str) -> tuple[Any, int]:
    return jsonify(error=ERRORS.get(status, "Error"), message=message), status


def encode_cursor(after: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": after}).encode()).decode().rstrip("=")


def decode_cursor(raw: str | None) -> int:
    """The id to continue after (0 for the first page)."""
    if not raw:
        return 0
    try:
        value = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
        after = int(value["after"])
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        raise BadRequest("The cursor is not one this API gave out.") from None
    return after


def page_limit() -> int:
    raw = request.args.get("limit", str(DEFAULT_LIMIT))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    return int(raw)


def page(items: list[Any], limit: int, last_id: Any) -> ResponseReturnValue:
    """A page of `items` (fetched with limit + 1 to know whether more follow)."""
    more = len(items) > limit
    items = items[:limit]
    next_cursor = encode_cursor(last_id(items[-1])) if more and items else None
    return jsonify(data=[plain(i) for i in items], next_cursor=next_cursor)


def parse_since(raw: str | None) -> dt.datetime:
    if not raw:
        raise BadRequest("Give 'since' as an ISO 8601 time, e.g. 2026-06-01T00:00:00Z.")
    try:
        moment = dt.datetime.fromisoformat(raw.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise BadRequest(f"'since' is not an ISO 8601 time: {raw!r}.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def plain(item: Any) -> Any:
    """Dates as ISO 8601 strings (Flask would write HTTP dates), all the way down."""
    if isinstance(item, dict):
        return {k: plain(v) for k, v in item.items()}
    if isinstance(item, list):
        return [plain(v) for v in item]
    if isinstance(item, (dt.date, dt.datetime)):
        return item.isoformat()
    return item
