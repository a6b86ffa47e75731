"""Staff import from the HR pages: upload, preview the differences, confirm."""

from __future__ import annotations

import datetime as dt
import io
import re

from sqlalchemy import select

from tests.conftest import csrf_token
from tests.factories import make_user
from trainer.models import User

HEADER = "email,name,department,job_role,manager_email,hired_on,active\n"


def upload(client, text, **options):
    data = {"csrf_token": csrf_token(client, "/hr/import"),
            "file": (io.BytesIO(text.encode()), options.pop("name", "staff.csv")),
            **{k: "y" for k, v in options.items() if v}}
    return client.post("/hr/import", data=data, content_type="multipart/form-data")


def confirm_fields(html):
    return dict(re.findall(r'name="(\w+)" type="hidden" value="([^"]*)"', html))


def test_upload_previews_then_confirm_applies(session, client, auth):
    make_user(session, email="hr@example.com", roles=("hr",))
    make_user(session, email="ann@example.com", name="Ann", department="Sales")
    session.commit()
    auth.login("hr@example.com")
    preview = upload(client, HEADER + "ann@example.com,Ann Smith,Sales,Agent,,,\n"
                                      "new@example.com,New,Sales,,,,\n")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Import preview" in html
    assert "new@example.com" in html and "<del>Ann</del> → <ins>Ann Smith</ins>" in html
    assert session.scalar(select(User).where(User.email == "new@example.com")) is None  # nothing yet
    applied = client.post("/hr/import/confirm", data=confirm_fields(html), follow_redirects=True)
    assert "Staff imported: 1 created, 1 updated" in applied.get_data(as_text=True)
    session.expire_all()
    assert session.scalar(select(User.name).where(User.email == "ann@example.com")) == "Ann Smith"


def test_bad_rows_are_listed_by_line_and_block_the_import(session, client, auth):
    make_user(session, email="hr@example.com", roles=("hr",))
    session.commit()
    auth.login("hr@example.com")
    html = upload(client, HEADER + "ok@example.com,Ok,,,,,\nbroken,Bad,,,,,\n").get_data(as_text=True)
    assert '<td class="number">3</td><td>bad e-mail &#39;broken&#39;' in html
    assert "Apply these changes" not in html
    refused = client.post("/hr/import/confirm", data=confirm_fields(html), follow_redirects=True)
    assert "1 rows have errors; nothing was imported." in refused.get_data(as_text=True)
    assert session.scalar(select(User).where(User.email == "ok@example.com")) is None
    skipping = upload(client, HEADER + "ok@example.com,Ok,,,,,\nbroken,Bad,,,,,\n", skip_bad_rows=True)
    assert "These rows will be skipped." in skipping.get_data(as_text=True)


def test_a_preview_gone_stale_is_shown_again(session, client, auth):
    make_user(session, email="hr@example.com", roles=("hr",))
    session.commit()
    auth.login("hr@example.com")
    html = upload(client, HEADER + "ann@example.com,Ann,,,,,\n").get_data(as_text=True)
    make_user(session, email="ann@example.com", name="Someone else")
    session.commit()
    again = client.post("/hr/import/confirm", data=confirm_fields(html)).get_data(as_text=True)
    assert "changed since the preview" in again and "Import preview" in again
    session.expire_all()
    assert session.scalar(select(User.name).where(User.email == "ann@example.com")) == "Someone else"


def test_upload_limits_are_explained(session, client, auth, app):
    make_user(session, email="hr@example.com", roles=("hr",))
    session.commit()
    auth.login("hr@example.com")
    app.config["IMPORT_MAX_MB"] = 1
    big = upload(client, HEADER + "a@example.com,A,,,,,\n" * 60_000).get_data(as_text=True)
    assert "The CSV file is larger than 1 MB." in big
    wrong = upload(client, "not a spreadsheet", name="staff.xlsx").get_data(as_text=True)
    assert "Upload a .csv file" in wrong
    form = {"csrf_token": csrf_token(client, "/hr/import"), "payload": "!!!", "digest": "x"}
    tampered = client.post("/hr/import/confirm", data=form, follow_redirects=True)
    assert "Upload it again" in tampered.get_data(as_text=True)


def test_confirming_applies_each_option_chosen_at_upload(session, client, auth):
    # The upload's checkboxes post "y"; the confirmation must carry them as the options.
    make_user(session, email="admin@example.com", roles=("admin",))
    make_user(session, email="ann@example.com", name="Ann", department="Sales")
    make_user(session, email="gone@example.com", name="Gone", department="Sales")
    session.commit()
    auth.login("admin@example.com")
    text = HEADER + "ann@example.com,Ann,Sales,Agent,,,\nbad,Bad,,,,,\n"
    html = upload(client, text, skip_bad_rows=True, deactivate_missing=True).get_data(as_text=True)
    fields = confirm_fields(html)
    assert (fields["skip_bad_rows"], fields["deactivate_missing"]) == ("1", "1")
    assert "would deactivate 1 of 3 active people" in html
    assert "type the number of people to deactivate (1)" in html
    typed = {**fields, "allow_mass_deactivation": "1"}
    applied = client.post("/hr/import/confirm", data=typed, follow_redirects=True).get_data(as_text=True)
    assert "Staff imported: 0 created, 0 updated, 1 deactivated, 1 unchanged, 1 bad rows skipped" in applied
    session.expire_all()
    assert session.scalar(select(User.active).where(User.email == "gone@example.com")) is False


def test_confirming_a_mass_deactivation_without_the_number_changes_nothing(session, client, auth):
    make_user(session, email="admin@example.com", roles=("admin",))
    make_user(session, email="gone@example.com", name="Gone", department="Sales")
    session.commit()
    auth.login("admin@example.com")
    preview = upload(client, HEADER + "new@example.com,New,Sales,,,,\n", deactivate_missing=True)
    html = preview.get_data(as_text=True)
    for typed in ("", "2"):
        form = {**confirm_fields(html), "allow_mass_deactivation": typed}
        again = client.post("/hr/import/confirm", data=form, follow_redirects=True).get_data(as_text=True)
        assert "Import preview" in again and "Staff imported" not in again
    session.expire_all()
    assert session.scalar(select(User.active).where(User.email == "gone@example.com")) is True
    assert session.scalar(select(User).where(User.email == "new@example.com")) is None


def test_hr_sees_refused_rows_for_privileged_accounts(session, client, auth):
    make_user(session, email="hr@example.com", roles=("hr",))
    make_user(session, email="admin@example.com", name="Admin", roles=("admin",), department="Sales")
    session.commit()
    auth.login("hr@example.com")
    html = upload(client, "email,name,active\nadmin@example.com,Admin,false\n").get_data(as_text=True)
    assert '<h2 id="refused">Refused</h2>' in html
    assert "has HR, administrator or auditor rights; only an administrator may change such an account" in html


def upload_bytes(client, raw: bytes, **options):
    data = {"csrf_token": csrf_token(client, "/hr/import"), "file": (io.BytesIO(raw), "staff.csv"),
            **{k: "y" for k, v in options.items() if v}}
    return client.post("/hr/import", data=data, content_type="multipart/form-data")


def test_the_excel_semicolon_windows_1252_file_imports_through_the_preview(session, client, auth):
    make_user(session, email="hr@example.com", roles=("hr",))
    session.commit()
    auth.login("hr@example.com")
    text = ("Email Address;First Name;Last Name;Dept;Employee ID;Cost Centre\r\n"
            "renee@example.com;Renée;Müller;Logística;E-1001;CC-7\r\n")
    html = upload_bytes(client, text.encode("cp1252")).get_data(as_text=True)
    assert "Import preview" in html and "Renée Müller" in html
    assert "read as Windows-1252" in html
    assert "Not imported (columns Trainer does not use): Cost Centre." in html
    assert "Cost Centre → <span class=\"muted\">not used</span>" in html
    assert "New departments (will be created)" in html
    form = {**confirm_fields(html), "create_departments": "y"}
    applied = client.post("/hr/import/confirm", data=form, follow_redirects=True)
    assert "Staff imported: 1 created" in applied.get_data(as_text=True)
    renee = session.scalar(select(User).where(User.email == "renee@example.com"))
    assert (renee.name, renee.employee_id, renee.department.name) == ("Renée Müller", "E-1001", "Logística")


def test_unknown_columns_ask_for_a_mapping_that_is_remembered(session, client, auth):
    make_user(session, email="hr@example.com", roles=("hr",))
    session.commit()
    auth.login("hr@example.com")
    raw = b"Work Mail,Full Name,Badge\nann@example.com,Ann,7\n"
    html = upload_bytes(client, raw).get_data(as_text=True)
    assert "Which column is which?" in html and "no column gives the e-mail address" in html
    form = {**confirm_fields(html), "action": "save", "column-0": "email", "column-1": "name", "column-2": ""}
    preview = client.post("/hr/import/columns", data=form).get_data(as_text=True)
    assert "Import preview" in preview and "ann@example.com" in preview
    assert "Column mapping saved" in preview
    # The next upload of the same export goes straight to the preview.
    again = upload_bytes(client, raw).get_data(as_text=True)
    assert "Import preview" in again and "Work Mail → E-mail (required)" in again
    # A mapping that still lacks the address is refused, and nothing is remembered of it.
    changed = {**confirm_fields(again), "action": "save", "column-0": "", "column-1": "name", "column-2": ""}
    refused = client.post("/hr/import/columns", data=changed).get_data(as_text=True)
    assert "no column gives the e-mail address" in refused
    assert "Import preview" in upload_bytes(client, raw).get_data(as_text=True)


def test_new_departments_need_a_confirmation(session, client, auth):
    make_user(session, email="hr@example.com", roles=("hr",), department="Sales")
    session.commit()
    auth.login("hr@example.com")
    html = upload(client, HEADER + "new@example.com,New,Logistcs,,,,\n").get_data(as_text=True)
    assert '<h2 id="new-departments">New departments (will be created)</h2>' in html and "Logistcs" in html
    refused = client.post("/hr/import/confirm", data=confirm_fields(html), follow_redirects=True)
    assert "tick “Create these departments”" in refused.get_data(as_text=True)
    assert session.scalar(select(User).where(User.email == "new@example.com")) is None
    done = client.post("/hr/import/confirm", data={**confirm_fields(html), "create_departments": "y"},
                       follow_redirects=True)
    assert "Staff imported: 1 created" in done.get_data(as_text=True)


def test_an_empty_cell_clears_only_the_fields_named(session, client, auth):
    make_user(session, email="hr@example.com", roles=("hr",))
    make_user(session, email="ann@example.com", name="Ann", department="Sales", job_role="Agent",
              hired_on=dt.date(2024, 1, 1))
    session.commit()
    auth.login("hr@example.com")
    kept = upload(client, HEADER + "ann@example.com,Ann,Sales,,,,\n").get_data(as_text=True)
    assert "Nothing to change" in kept
    data = {"csrf_token": csrf_token(client, "/hr/import"),
            "file": (io.BytesIO((HEADER + "ann@example.com,Ann,Sales,,,,\n").encode()), "staff.csv"),
            "clear_fields": ["job_role", "hired_on"]}
    html = client.post("/hr/import", data=data, content_type="multipart/form-data").get_data(as_text=True)
    assert confirm_fields(html)["clear_fields"] == "hired_on,job_role"
    client.post("/hr/import/confirm", data=confirm_fields(html))
    session.expire_all()
    ann = session.scalar(select(User).where(User.email == "ann@example.com"))
    assert (ann.job_role, ann.hired_on, ann.department.name) == (None, None, "Sales")


def test_the_csv_template_downloads(session, client, auth):
    make_user(session, email="hr@example.com", roles=("hr",))
    session.commit()
    auth.login("hr@example.com")
    assert 'href="/hr/import/template.csv"' in client.get("/hr/import").get_data(as_text=True)
    response = client.get("/hr/import/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.get_data(as_text=True) == (
        "email,name,employee_id,department,job_role,manager_email,hired_on,active\r\n")
