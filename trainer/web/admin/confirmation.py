"""Confirming an action after seeing its impact or consequences, without JavaScript.

The first press of the action's button shows the impact (compliance/impact.py) and hands out
a confirmation naming exactly the submitted values; the second press carries it back. Any
changed field gives another confirmation, so the impact is shown again before anything is
saved.
"""

from __future__ import annotations

import hashlib

from flask import render_template, request

NOT_PART_OF_THE_ACTION = {"csrf_token", "confirmed"}


def confirmation() -> str:
    """Names the submitted form's values (not which button was pressed)."""
    digest = hashlib.sha256()
    for key in sorted(set(request.form) - NOT_PART_OF_THE_ACTION):
        for value in request.form.getlist(key):
            digest.update(f"{key}\x00{value}\x01".encode())
    return digest.hexdigest()[:32]


def is_confirmed() -> bool:
    return request.form.get("confirmed", "") == confirmation()


def confirm_page(question: str, consequences: list[str], button: str, cancel_url: str):
    """The step between pressing a destructive button and doing it: what will happen, and a
    second button that posts the same form again with the confirmation (no JavaScript)."""
    fields = [(key, value) for key, value in request.form.items(multi=True)
              if key not in NOT_PART_OF_THE_ACTION]
    return render_template("admin/confirm.html", question=question, consequences=consequences,
                           button=button, cancel_url=cancel_url, fields=fields, action=request.path,
                           confirmed=confirmation())
