"""The employee dashboard: current assignments by urgency, with progress and what to do next."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy.orm import Session

from trainer.compliance.overview import AssignmentView, current_assignments
from trainer.compliance.progress import Progress, progress_for
from trainer.compliance.regulation_updates import open_acknowledgements
from trainer.compliance.status import DELTA_REASONS, Thresholds
from trainer.models import Module, UpdateAcknowledgement


@dataclasses.dataclass(frozen=True)
class DashboardItem:
    view: AssignmentView
    progress: Progress
    today: dt.date

    @property
    def assignment(self):
        return self.view.assignment

    @property
    def course(self):
        return self.view.course

    @property
    def next_module(self) -> Module | None:
        if self.assignment.completed_on is not None:
            return None
        return self.progress.next_module

    @property
    def action(self) -> str:
        """The link text: Start, Continue, or (when done) Review."""
        if self.next_module is None:
            return "Review"
        started = self.assignment.started_on is not None or self.progress.done_count
        return "Continue" if started else "Start"

    @property
    def change_note(self) -> str:
        if self.assignment.reason in DELTA_REASONS and self.assignment.completed_on is None:
            return self.assignment.change_note
        return ""

    @property
    def status_text(self) -> str:
        return status_text(self.view, self.today)


@dataclasses.dataclass(frozen=True)
class Dashboard:
    items: list[DashboardItem]
    acknowledgements: list[UpdateAcknowledgement]

    @property
    def open_count(self) -> int:
        return sum(1 for i in self.items if i.assignment.completed_on is None)


def dashboard(session: Session, user_id: int, today: dt.date, thresholds: Thresholds) -> Dashboard:
    """Everything the dashboard shows, most urgent first."""
    views = current_assignments(session, user_id, today, thresholds)
    progress = progress_for(session, user_id, [v.assignment for v in views])
    items = [DashboardItem(v, progress[v.assignment.id], today) for v in views]
    return Dashboard(items, open_acknowledgements(session, user_id))


def status_text(view: AssignmentView, today: dt.date) -> str:
    """The status in words: "Due in 3 days", "Overdue by 1 day", "Update due today",
    "Completed until 4 Mar 2027"."""
    a = view.assignment
    if view.status in ("completed", "expiring", "expired") and a.completed_on is not None:
        if a.expires_on is None:
            return "Completed"
        verb = "Expired on" if view.status == "expired" else "Completed until"
        return f"{verb} {_date(a.expires_on)}"
    if view.status == "closed":
        return "No longer required"
    if view.status == "expired" and a.expires_on is not None:  # a delta cycle left too long
        return f"Expired on {_date(a.expires_on)}"
    if view.status == "overdue":
        return f"Overdue by {_days(-view.days_left)}"
    if view.status == "expiring":
        return f"Refresher due {_in_days(view.days_left)}"
    if view.status == "update_pending":
        return f"Update due {_in_days(view.days_left)}"
    if view.status == "due_soon":
        return f"Due {_in_days(view.days_left)}"
    return "In progress" if view.status == "in_progress" else "Not started"


def _in_days(days: int) -> str:
    if days == 0:
        return "today"
    return "tomorrow" if days == 1 else f"in {days} days"


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _date(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%b %Y')}"
