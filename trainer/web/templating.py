"""What every template may use: navigation for the user's roles, filters for dates."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from flask import Flask, current_app, g, request, url_for

from trainer import clock
from trainer.extensions import db
from trainer.notify.inbox import unread_count
from trainer.web import csrf_reuse
from trainer.web.current import current_user

# (endpoint, label, roles) -- the header shows the entries the user's roles allow; "manager"
# is anyone someone reports to.
NAVIGATION = [
    ("learn.dashboard", "My training", ("employee",)),
    ("learn.transcript", "Transcript", ("employee",)),
    ("learn.my_data", "My data", ("employee",)),
    ("hr.dashboard", "HR", ("hr", "admin", "auditor")),
    ("admin.index", "Admin", ("admin",)),
    ("admin.audit_log", "Audit log", ("auditor",)),
    ("learn.my_team", "My team", ("manager",)),
]


def init_templating(app: Flask) -> None:
    app.context_processor(template_globals)
    app.add_template_global(kept_args)
    app.add_template_global(remembered_url_for, "url_for")
    # Over Flask-WTF's (its global and its context processor, which this one's follows):
    # signs a session's token at most once a minute.
    app.add_template_global(csrf_reuse.csrf_token, "csrf_token")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")


def template_globals() -> dict[str, Any]:
    return {
        "navigation": navigation_for_current_user(),
        "organisation_name": current_app.config["ORGANISATION_NAME"],
        "today": clock.today(),
        "unread_notices": unread_notices_for_current_user(),
        "csrf_token": csrf_reuse.csrf_token,
    }


@functools.lru_cache(maxsize=2048)
def _built_url(script_root: str, endpoint: str, values: tuple[tuple[str, Any], ...]) -> str:
    return url_for(endpoint, **dict(values))


def remembered_url_for(endpoint: str, **values: Any) -> str:
    """Templates' url_for, remembered per process: a page builds a dozen links (header,
    outline, pager) and building one cost more than the rest of the page's Python. A path
    depends only on the endpoint, its values and where the app is mounted (nothing here sets
    URL defaults or builds by host), so that is the key; least recently used out first.
    Anything else (`_external`, `_anchor`, a value that is not a short string or a number:
    search terms carried in links are the visitor's) is built as usual."""
    if all(not k.startswith("_") and (isinstance(v, int) or (isinstance(v, str) and len(v) <= 100))
           for k, v in values.items()):
        return _built_url(request.script_root, endpoint, tuple(sorted(values.items())))
    return url_for(endpoint, **values)


def kept_args(names: tuple[str, ...] | list[str], **changes: Any) -> dict[str, Any]:
    """The query arguments a page keeps in its links (filters, for the next page): only the
    names given. Spreading the whole query string into url_for would let a visitor pass
    url_for's own arguments (`_external`, `_method`, `endpoint`) and break the page."""
    kept: dict[str, Any] = {name: request.args[name] for name in names if request.args.get(name)}
    return {**kept, **changes}


def unread_notices_for_current_user() -> int | None:
    """The header badge (None: no badge at all): counted when the request loaded the
    signed-in user (web.session.load_user), else now with one indexed COUNT."""
    if not current_user.is_authenticated or "learn.notifications" not in current_app.view_functions:
        return None
    counted = g.get("unread_notices")
    return counted if counted is not None else unread_count(db.session, current_user.id)


def navigation_for_current_user() -> list[dict[str, Any]]:
    if not current_user.is_authenticated:
        return []
    user_roles = current_user.roles  # once: every current_user access goes through proxies
    if g.get("is_manager"):  # not a role: someone active reports to them (web.session.load_user)
        user_roles = user_roles | {"manager"}
    items = []
    for endpoint, label, roles in NAVIGATION:
        if endpoint not in current_app.view_functions:
            continue
        if user_roles.isdisjoint(roles):
            continue
        blueprint = endpoint.split(".")[0]
        active = request.blueprint == blueprint and (
            blueprint != "learn" or request.endpoint == endpoint
        )
        items.append({"endpoint": endpoint, "label": label, "active": active})
    return items


def format_date(value: dt.date | None) -> str:
    if value is None:
        return "—"
    return f"{value.day} {value.strftime('%b %Y')}"


def format_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return "—"
    return f"{value.day} {value.strftime('%b %Y %H:%M')} UTC"
