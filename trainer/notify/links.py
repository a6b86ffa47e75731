"""Where reminders point: the one place that knows the employee pages' paths."""

from __future__ import annotations

from urllib.parse import quote

NOTIFICATIONS_PATH = "/me/notifications"
TEAM_PATH = "/team"  # a manager's view of their reports (escalations link to it)


def learn_path(
    course_slug: str | None = None, module_slug: str | None = None, *, update_id: int | None = None
) -> str:
    """The site-relative page for doing training next: a module, a course, or an update to read."""
    if update_id is not None:
        return f"/#update-{update_id}"  # updates are read and acknowledged on the dashboard
    if course_slug is None:
        return "/"
    if module_slug is None:
        return f"/courses/{quote(course_slug)}"
    return f"/courses/{quote(course_slug)}/{quote(module_slug)}"


def absolute(base_url: str, path: str) -> str:
    """A link for an e-mail: BASE_URL + site-relative path."""
    return base_url.rstrip("/") + path
