"""The demo organisation for browser tests that look at the real pages (README screenshots, layout)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from tests.factories import PASSWORD, import_shipped_courses_and_demo
from trainer.models import User
from trainer.security import hash_password


def load_demo(session, folder: Path) -> dict[str, str]:
    """The shipped courses and the demo organisation with its two-year history; e-mail per role."""
    import_shipped_courses_and_demo(session, folder / "logins.txt")
    session.execute(update(User).values(password_hash=hash_password(PASSWORD)))
    session.commit()
    return {role: session.scalar(select(User.email).where(condition)) for role, condition in {
        "employee": User.email == "sofia.marques@example.com",
        "hr": User.email == "grace.kim@example.com",  # HR for every department
        "admin": User.is_admin.is_(True),
    }.items()}


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
