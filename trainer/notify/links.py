"""Where reminders point. The employee pages live on another branch: adjust paths here only."""

from __future__ import annotations

from urllib.parse import quote

NOTIFICATIONS_PATH = "/me/notifications"


def learn_path(
    course_slug: str | None = None, module_slug: str | None = None, *, update_id: int | None = None
) -> str:
    """The site-relative page for doing training next: a module, a course, or an update to read."""
    if update_id is not None:
        return f"/updates/{update_id}"
    if course_slug is None:
        return "/"
    if module_slug is None:
        return f"/courses/{quote(course_slug)}"
    return f"/courses/{quote(course_slug)}/{quote(module_slug)}"


def absolute(base_url: str, path: str) -> str:
    """A link for an e-mail: BASE_URL + site-relative path."""
    return base_url.rstrip("/") + path
