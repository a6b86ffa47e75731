"""Request input no page can use: refused before any view sees it."""

from __future__ import annotations

from flask import Flask, abort, request

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def init_hygiene(app: Flask) -> None:
    app.before_request(refuse_nul_bytes)


def refuse_nul_bytes() -> None:
    """NUL never belongs in a form or URL, and PostgreSQL refuses it in text: answer 400."""
    values = [request.path, *request.args.keys(), *request.args.values()]
    if request.method == "POST" and request.mimetype in FORM_TYPES:
        values += [*request.form.keys(), *request.form.values()]
    if any("\x00" in value for value in values):
        abort(400)
