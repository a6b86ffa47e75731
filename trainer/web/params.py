"""Integers in URLs, query strings and forms, all through `trainer.ints.parse_int`.

The `int` URL converter is replaced app-wide (`init_params`), so `<int:user_id>` accepts only
ASCII digits within the id columns' range; anything else is a 404 like any unknown page.
Query-string filters and page numbers that make no sense fall back to their default.
"""

from __future__ import annotations

from typing import Any, overload

from flask import Flask, request
from werkzeug.routing import BaseConverter, ValidationError

from trainer.ints import MAX_INT, parse_int


class BoundedIntConverter(BaseConverter):
    regex = r"[0-9]{1,10}"
    part_isolating = True
    weight = 50

    def to_python(self, value: str) -> int:
        number = parse_int(value, minimum=0)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value: Any) -> str:
        return str(int(value))


def init_params(app: Flask) -> None:
    """Before any route is added: every `<int:...>` uses the bounded converter."""
    app.url_map.converters["int"] = BoundedIntConverter


@overload
def query_int(name: str, default: int, *, minimum: int = 0, maximum: int = MAX_INT) -> int: ...


@overload
def query_int(name: str, default: None = None, *, minimum: int = 0,
              maximum: int = MAX_INT) -> int | None: ...


def query_int(name: str, default: int | None = None, *, minimum: int = 0,
              maximum: int = MAX_INT) -> int | None:
    """A whole number from the query string; `default` when absent or not a sane number."""
    number = parse_int(request.args.get(name), minimum=minimum, maximum=maximum)
    return default if number is None else number


def form_int(name: str) -> int | None:
    """A whole number from the posted form, or None."""
    return parse_int(request.form.get(name))
