"""HR-system exports as they come (issue 13.6): encodings, delimiters, column names, the
column mapping, and people matched by employee id before e-mail."""

from __future__ import annotations

import codecs
import datetime as dt

import pytest
from sqlalchemy import select

from tests.factories import make_user
from trainer.audit import Actor
from trainer.models import User
from trainer.people.privileged import Authority
from trainer.people.staff_apply import apply_import
from trainer.people.staff_columns import decode, map_columns, parse_mapping, remember_mapping, sniff_delimiter
from trainer.people.staff_file import read_staff_bytes
from trainer.people.staff_import import ImportOptions, plan_import

OPERATOR = Authority.operator()
D = dt.date


def plan(session, raw: bytes, mapping=None, **options):
    return plan_import(session, read_staff_bytes(raw, mapping=mapping), ImportOptions(**options),
                       authority=OPERATOR)


def rows(result):
    return [(r.email, r.name, r.fields) for r in result.created]


@pytest.mark.parametrize(("encoded", "note"), [
    (codecs.BOM_UTF8 + "email;name\nrenee@example.com;Renée Müller\n".encode(), False),
    ("email;name\nrenee@example.com;Renée Müller\n".encode(), False),
    ("email\tname\r\nrenee@example.com\tRenée Müller\r\n".encode("utf-16"), False),  # with a BOM
    ("email,name\nrenee@example.com,Renée Müller\n".encode("cp1252"), True),
])
def test_encodings_and_delimiters(session, encoded, note):
    result = plan(session, encoded)
    assert result.problems == []
    assert [r.name for r in result.created] == ["Renée Müller"]
    assert any("Windows-1252" in n for n in result.notes) is note


def test_decoding_and_sniffing_rules():
    assert decode(b"\xef\xbb\xbfa") == ("a", None)
    assert sniff_delimiter('"Last, First";Email;Dept') == ";"
    assert sniff_delimiter("email\tname") == "\t"
    assert sniff_delimiter("email") == ","


def test_the_excel_semicolon_windows_1252_file(session):
    text = ("Email Address;First Name;Last Name;Dept;Employee ID;Cost Centre\r\n"
            "renee@example.com;Renée;Müller;Logística;E-1001;CC-7\r\n"
            "jo@example.com;Jo;Ng;Sales;E-1002;CC-9\r\n")
    result = plan(session, text.encode("cp1252"))
    assert result.problems == []
    assert rows(result) == [
        ("renee@example.com", "Renée Müller", {"employee_id": "E-1001", "department": "Logística"}),
        ("jo@example.com", "Jo Ng", {"employee_id": "E-1002", "department": "Sales"})]
    assert "Not imported (columns Trainer does not use): Cost Centre." in result.notes


# The standard exports named in docs/staff-import.md, each importing without a mapping step.
EXPORTS = {
    "BambooHR": ("Employee #,First Name,Last Name,Work Email,Department,Job Title,Hire Date,Status,"
                 "Reporting to,Location",
                 "101,Ada,Lovelace,ada@example.com,Engineering,Developer,2024-02-01,Active,Grace Hopper,"
                 "London"),
    "Personio": ("ID;First name;Last name;Email;Status;Position;Department;Hire date;Supervisor;Office",
                 "101;Ada;Lovelace;ada@example.com;active;Developer;Engineering;01.02.2024;Grace Hopper;"
                 "Berlin"),
    "HiBob": ("Employee ID,First name,Last name,Email,Department,Job title,Start date,Lifecycle status,"
              "Reports to,Site",
              "101,Ada,Lovelace,ada@example.com,Engineering,Developer,2024-02-01,Employed,Grace Hopper,"
              "London"),
    "Workday": ("Employee ID,Legal Name,Email - Work,Supervisory Organization,Business Title,Hire Date,"
                "Active Status,Manager",
                "101,Ada Lovelace,ada@example.com,Engineering,Developer,2024-02-01,Yes,Grace Hopper"),
}


@pytest.mark.parametrize("system", list(EXPORTS))
def test_standard_hr_exports_import_without_a_mapping_step(session, system):
    header, row = EXPORTS[system]
    result = plan(session, f"{header}\n{row}\n".encode())
    assert result.problems == [], result.problems
    assert rows(result) == [("ada@example.com", "Ada Lovelace", {
        "employee_id": "101", "department": "Engineering", "job_role": "Developer",
        "hired_on": D(2024, 2, 1), "active": True})]


def test_a_mapping_names_columns_that_are_not_known_and_ignores_others():
    assert parse_mapping(["Work Mail=email", "Full Name = name", "Badge=", "# a comment"]) == {
        "Work Mail": "email", "Full Name": "name", "Badge": ""}
    with pytest.raises(ValueError, match="'Badge=shoe': the fields are"):
        parse_mapping(["Badge=shoe"])
    columns = map_columns(["Work Mail", "Full Name", "Dept", "Badge"],
                          {"work mail": "email", "FULL NAME": "name", "dept": ""})
    assert [(c.field, c.how) for c in columns.columns] == [
        ("email", "your mapping"), ("name", "your mapping"), (None, "not used"), (None, "not used")]
    assert columns.problems == []


def test_employee_id_is_matched_before_email(session):
    ann = make_user(session, email="ann@example.com", name="Ann", department=None, job_role=None)
    ann.employee_id = "E-1"
    bob = make_user(session, email="bob@example.com", name="Bob", department=None, job_role=None)
    bob.employee_id = "E-2"
    session.flush()
    moved = plan(session, b"employee_id,email,name\nE-1,ann.smith@example.com,Ann\n")
    assert [(u.account.id, u.changes) for u in moved.updated] == [
        (ann.id, {"email": ("ann@example.com", "ann.smith@example.com")})]
    apply_import(session, Actor.cli(), moved, D(2026, 6, 15))
    session.commit()
    session.expire_all()
    assert session.get(User, ann.id).email == "ann.smith@example.com"
    taken = plan(session, b"employee_id,email,name\nE-1,bob@example.com,Ann\n")
    assert [(p.line, p.message) for p in taken.problems] == [
        (2, "employee id E-1 is ann.smith@example.com, but bob@example.com is another person's address.")]
    other = plan(session, b"employee_id,email,name\nE-9,bob@example.com,Bob\n")
    assert [p.message for p in other.problems] == ["bob@example.com has employee id E-2 here, not E-9."]
    dupes = plan(session, b"employee_id,email,name\nE-7,a@example.com,A\nE-7,b@example.com,B\n")
    assert [p.message for p in dupes.problems] == ["duplicate employee id E-7: also on line 3.",
                                                   "duplicate employee id E-7: also on line 2."]


def test_a_changed_address_is_not_missing_from_a_full_list(session):
    people = [make_user(session, email=f"p{i}@example.com", name=f"P {i}", password=None) for i in range(12)]
    for i, person in enumerate(people):
        person.employee_id = f"E-{i}"
    session.flush()
    lines = "".join(f"E-{i},p{i}@example.com,P {i}\n" for i in range(1, 12))
    result = plan(session, f"employee_id,email,name\nE-0,new0@example.com,P 0\n{lines}".encode(),
                  deactivate_missing=True)
    assert result.deactivated == []
    assert [u.changes for u in result.updated] == [{"email": ("p0@example.com", "new0@example.com")}]


def test_the_cli_takes_a_mapping(runner, session, tmp_path):
    staff = tmp_path / "staff.csv"
    staff.write_text("Work Mail,Full Name,Badge\nann@example.com,Ann,7\n")
    unmapped = runner.invoke(args=["users", "import", str(staff)])
    assert unmapped.exit_code == 1 and "no column gives the e-mail address" in unmapped.output
    mapped = runner.invoke(args=["users", "import", str(staff), "--map", "Work Mail=email",
                                 "--map", "Full Name=name"])
    assert mapped.exit_code == 0, mapped.output
    assert "Not imported (columns Trainer does not use): Badge." in mapped.output
    assert session.scalar(select(User.name).where(User.email == "ann@example.com")) == "Ann"
    mapping_file = tmp_path / "columns.txt"
    mapping_file.write_text("# our HR system\nWork Mail=email\nFull Name=name\nBadge=\n")
    again = runner.invoke(args=["users", "import", str(staff), "--map-file", str(mapping_file), "--dry-run"])
    assert again.exit_code == 0 and "1 unchanged" in again.output
    wrong = runner.invoke(args=["users", "import", str(staff), "--map", "Badge=shoe"])
    assert wrong.exit_code == 2 and "the fields are" in wrong.output


def test_the_cli_uses_the_mapping_remembered_by_the_page(runner, session, tmp_path):
    remember_mapping(session, Actor.cli(), {"Work Mail": "email", "Full Name": "name", "Badge": ""})
    session.commit()
    staff = tmp_path / "staff.csv"
    staff.write_text("Work Mail,Full Name,Badge\nann@example.com,Ann,7\n")
    result = runner.invoke(args=["users", "import", str(staff), "--dry-run"])
    assert result.exit_code == 0 and "1 created" in result.output
