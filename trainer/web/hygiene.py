"""Request input no page can use: refused before any view sees it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import Flask, request
from werkzeug.wrappers import Response

from trainer.textcheck import has_control

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
JSON_TYPES = ("application/json", "application/scim+json")


def init_hygiene(app: Flask) -> None:
    app.before_request(refuse_control_characters)


def refuse_control_characters() -> Response | tuple[Any, int] | None:
    """NUL and other control characters (trainer/textcheck.py) never belong in a URL, a form
    field or a JSON string, and PostgreSQL refuses NUL in text: answer 400 saying so. Every
    value of a repeated name is checked (`?q=a&q=%00`), not only the first."""
    req = request._get_current_object()  # type: ignore[attr-defined]  # read often: one proxy look-up
    values = [req.path]
    if req.query_string:  # nothing to parse on most requests
        values += [text for pair in req.args.items(multi=True) for text in pair]
    if req.method in ("POST", "PUT", "PATCH"):
        if req.mimetype in FORM_TYPES:
            values += [text for pair in req.form.items(multi=True) for text in pair]
        elif req.mimetype in JSON_TYPES:
            values += _json_strings(req.get_json(silent=True, force=True))
    if not any(has_control(value) for value in values):
        return None
    from trainer.web.errors import render_error

    return render_error(400, "The request contains a control character (such as NUL) that no text "
                             "field may hold. Remove it and send again; nothing was saved.")


def _json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)
