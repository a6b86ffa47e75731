"""What every template may use: navigation for the user's roles, filters for dates."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import Any, NamedTuple

from flask import Flask, current_app, g, request, url_for
from flask_login import current_user as _current_user

from trainer import clock
from trainer.dates import short_date, short_datetime
from trainer.extensions import db
from trainer.notify.inbox import unread_count
from trainer.people.signed_in import SignedIn
from trainer.web import csrf_reuse

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


_NAVIGATION_KEY = "trainer.navigation"


def init_templating(app: Flask) -> None:
    app.extensions[_NAVIGATION_KEY] = {}  # (roles, blueprint, endpoint) -> the header's entries
    app.context_processor(template_globals)
    app.add_template_global(kept_args)
    app.add_template_global(remembered_url_for, "url_for")
    # Over Flask-WTF's (its global and its context processor, which this one's follows):
    # signs a session's token at most once a minute.
    app.add_template_global(csrf_reuse.csrf_token, "csrf_token")
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")


def template_globals() -> dict[str, Any]:
    person = _current_user._get_current_object()  # once: each access through the proxy costs
    signed_in = person.is_authenticated
    return {
        "navigation": navigation_for(person) if signed_in else (),
        "organisation_name": current_app.config["ORGANISATION_NAME"],
        "today": clock.today(),
        "unread_notices": unread_notices_for(person) if signed_in else None,
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
    Anything else (`_external`, `_anchor`, a value that is not a short string or an int:
    search terms carried in links are the visitor's; True, which a key would take for 1) is
    built as usual. The values are keyed in the order given (a call site always gives the
    same), not sorted: sorting them cost as much as the look-up."""
    for name, value in values.items():
        kind = type(value)
        if name[:1] == "_" or not (kind is int or (kind is str and len(value) <= 100)):
            return url_for(endpoint, **values)
    return _built_url(request.script_root, endpoint, tuple(values.items()))


def kept_args(names: tuple[str, ...] | list[str], **changes: Any) -> dict[str, Any]:
    """The query arguments a page keeps in its links (filters, for the next page): only the
    names given. Spreading the whole query string into url_for would let a visitor pass
    url_for's own arguments (`_external`, `_method`, `endpoint`) and break the page."""
    kept: dict[str, Any] = {name: request.args[name] for name in names if request.args.get(name)}
    return {**kept, **changes}


def unread_notices_for(person: SignedIn) -> int | None:
    """The header badge of the signed-in `person` (None: no badge at all): counted when the
    request loaded them (web.session.load_user), else now with one indexed COUNT."""
    if "learn.notifications" not in current_app.view_functions:
        return None
    counted = g.get("unread_notices")
    return counted if counted is not None else unread_count(db.session, person.id)


class NavItem(NamedTuple):
    endpoint: str
    url: str
    label: str
    active: bool


def navigation_for(person: SignedIn) -> tuple[NavItem, ...]:
    """The header's entries for the signed-in `person`'s roles, the current page marked. They
    depend on nothing but the roles, the page and where the app is mounted, so each app works
    them out once for each (a few roles times its pages; all its routes are registered before
    its first request, Flask refuses later ones), links included."""
    user_roles = frozenset(person.roles)
    if g.get("is_manager"):  # not a role: someone active reports to them (web.session.load_user)
        user_roles = user_roles | {"manager"}
    req = request._get_current_object()  # type: ignore[attr-defined]  # read three times
    key = (user_roles, req.blueprint, req.endpoint, req.script_root)
    worked_out = current_app.extensions[_NAVIGATION_KEY]
    items = worked_out.get(key)
    if items is None:
        items = worked_out[key] = _navigation(current_app.view_functions, *key[:3])
    return items


def _navigation(routes: Mapping[str, Any], user_roles: frozenset[str], blueprint: str | None,
                endpoint: str | None) -> tuple[NavItem, ...]:
    items = []
    for target, label, roles in NAVIGATION:
        if target not in routes or user_roles.isdisjoint(roles):
            continue
        section = target.split(".")[0]
        active = blueprint == section and (section != "learn" or endpoint == target)
        items.append(NavItem(target, url_for(target), label, active))
    return tuple(items)


def format_date(value: dt.date | None) -> str:
    if value is None:
        return "—"
    return short_date(value)


def format_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return "—"
    return short_datetime(value)
