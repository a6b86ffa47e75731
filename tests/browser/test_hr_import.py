"""In a real browser: HR imports a staff file with each option ticked and confirms it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.factories import PASSWORD, make_user
from trainer.models import User

pytestmark = pytest.mark.browser


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("option", ["skip", "deactivate"])
def test_each_import_option_survives_the_confirmation(session, live_server, page: Page, tmp_path, option):
    make_user(session, email="admin@example.com", name="Ada Admin", roles=("admin",))
    for i in range(12):
        make_user(session, email=f"p{i}@example.com", name=f"P {i}", password=None)
    session.commit()
    rows = "".join(f"p{i}@example.com,P {i}\n" for i in range(11))  # p11 is not in the file
    staff = tmp_path / "staff.csv"
    staff.write_text("email,name\nadmin@example.com,Ada Admin\nnew@example.com,New\n" + rows
                     + ("not-an-address,Broken\n" if option == "skip" else ""))
    sign_in(page, live_server, "admin@example.com")
    page.goto(live_server + "/hr/import")
    page.get_by_label("Staff list (CSV)").set_input_files(str(staff))
    if option == "skip":
        page.get_by_label("Import the good rows even if some rows have errors").check()
    else:
        page.get_by_label("This is the full staff list: deactivate people who are not in it").check()
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", name="Import preview")).to_be_visible()
    if option == "skip":
        expect(page.get_by_text("These rows will be skipped.")).to_be_visible()
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_text("Staff imported:")).to_be_visible()
    expect(page.get_by_text("changed since the preview")).to_have_count(0)
    session.expire_all()
    active = session.scalar(select(User.active).where(User.email == "p11@example.com"))
    assert active is (option == "skip")


def test_an_excel_semicolon_export_imports_through_the_preview(session, live_server, page: Page, tmp_path):
    make_user(session, email="hr@example.com", name="Helen HR", roles=("hr",))
    session.commit()
    staff = tmp_path / "staff.csv"
    staff.write_bytes(("Email Address;First Name;Last Name;Dept;Employee ID;Cost Centre\r\n"
                       "renee@example.com;Renée;Müller;Logística;E-1001;CC-7\r\n").encode("cp1252"))
    sign_in(page, live_server, "hr@example.com")
    page.goto(live_server + "/hr/import")
    page.get_by_label("Staff list (CSV)").set_input_files(str(staff))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", name="Import preview")).to_be_visible()
    expect(page.get_by_text("read as Windows-1252")).to_be_visible()
    expect(page.get_by_text("Not imported (columns Trainer does not use): Cost Centre.")).to_be_visible()
    expect(page.get_by_role("cell", name="Renée Müller")).to_be_visible()
    page.get_by_label("Create these departments: Logística").check()
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_text("Staff imported: 1 created")).to_be_visible()
    session.expire_all()
    renee = session.scalar(select(User).where(User.email == "renee@example.com"))
    assert (renee.name, renee.employee_id) == ("Renée Müller", "E-1001")
