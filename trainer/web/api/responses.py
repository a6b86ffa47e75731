"""JSON answers shared by the API's routes: errors, cursors, page sizes, dates."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue

from trainer.ints import MAX_INT, parse_int

ERRORS = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
          413: "Too large", 422: "Unprocessable", 500: "Server error"}
DEFAULT_LIMIT = 100
MAX_LIMIT = 500
SINCE_RANGE = (1900, 9998)  # years: room for date arithmetic on either side


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
    refused = BadRequest("The cursor is not one this API gave out.")
    try:
        # parse_constant: json would read Infinity and NaN; parse_float: and 1e400 as inf.
        value = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)),
                           parse_constant=_no_constant, parse_float=_no_constant)
        after = value["after"]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        raise refused from None
    if type(after) is not int or not 0 <= after <= MAX_INT:  # not a bool, within an id's range
        raise refused
    return after


def _no_constant(text: str) -> Any:
    raise ValueError(text)


def page_limit() -> int:
    limit = parse_int(request.args.get("limit", str(DEFAULT_LIMIT)), minimum=1, maximum=MAX_LIMIT)
    if limit is None:
        raise BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    return limit


def query_flag(name: str) -> bool:
    """A true/false query parameter (absent: false); anything else is refused."""
    raw = request.args.get(name, "false")
    if raw not in ("true", "false"):
        raise BadRequest(f"{name} must be true or false.")
    return raw == "true"


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
    if not SINCE_RANGE[0] <= moment.year <= SINCE_RANGE[1]:  # also: year 1 or 9999 in UTC overflows
        raise BadRequest(f"'since' must lie between the years {SINCE_RANGE[0]} and {SINCE_RANGE[1]}.")
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def plain(item: Any) -> Any:
    """Dates as ISO 8601 strings (Flask would write HTTP dates), all the way down."""
    if isinstance(item, dict):
        return {k: plain(v) for k, v in item.items()}
    if isinstance(item, list):
        return [plain(v) for v in item]
    if isinstance(item, (dt.date, dt.datetime)):
        return item.isoformat()
    return item
