"""How a notice reads, shared by e-mails and the in-app list. Dates are plain English."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trainer.notify.items import Item


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def due_phrase(due_on: dt.date, today: dt.date) -> str:
    """"due in 3 days (12 March 2026)", "due today (…)", "5 days overdue (was due …)"."""
    days = (due_on - today).days
    when = long_date(due_on)
    if days > 1:
        return f"due in {days} days ({when})"
    if days == 1:
        return f"due tomorrow ({when})"
    if days == 0:
        return f"due today ({when})"
    return f"{_days(-days)} overdue (was due {when})"


def headline(item: Item, today: dt.date) -> str:
    """One sentence saying what the notice is about, as of `today`."""
    due = due_phrase(item.due_on, today) if item.due_on else ""
    course = item.course_title or ""
    if item.kind == "escalation":
        return f"{item.subject_name}: {course}, {due}"
    if item.kind == "regulation_update" and not course:
        return f"Regulation update “{item.update_title}”: please read and acknowledge it, {due}"
    if item.kind == "regulation_update":
        return f"Regulation update “{item.update_title}”: part of {course} must be redone, {due}"
    if item.kind == "assigned" and item.reason == "major_change":
        return f"Training reopened: {course} has changed and part of it must be done again, {due}"
    if item.kind == "assigned":
        return f"New training for you: {course}, {due}"
    if item.kind == "refresher":
        return f"Time for your refresher: {course}, {due}"
    return f"{course}: {due}"


def change_note(item: Item) -> str | None:
    """What changed, for training reopened by a change (shown under the headline)."""
    if item.kind == "assigned" and item.reason == "major_change" and item.change_note:
        return item.change_note
    return None


def subject_line(own: list[Item], team: list[Item], today: dt.date) -> str:
    """The e-mail subject: the one item's headline, or how many there are."""
    if len(own) == 1 and not team:
        return headline(own[0], today)
    if own and not team:
        return f"{len(own)} training reminders"
    if team and not own:
        return f"Overdue training to follow up ({len(team)})"
    return f"{len(own)} training reminders and {len(team)} overdue to follow up"


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"
