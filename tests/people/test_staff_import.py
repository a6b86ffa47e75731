"""Staff import: every kind of bad row is named by line; good files create, update and
deactivate in bulk, then assignments follow."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.compliance.helpers import complete_course, current, require, sync
from tests.factories import make_course, make_user
from trainer import clock
from trainer.audit import Actor
from trainer.models import AuditEvent, Certificate, ModuleCompletion, User
from trainer.people.privileged import Authority
from trainer.people.staff_apply import ImportRefused, apply_import
from trainer.people.staff_file import read_staff_bytes, read_staff_records
from trainer.people.staff_import import ImportOptions, plan_import

D = dt.date
OPERATOR = Authority.operator()
HEADER = "email,name,department,job_role,manager_email,hired_on,active\n"


def plan(session, text, *, header=HEADER, scope=None, acting_user_id=None, authority=OPERATOR, **options):
    staff = read_staff_bytes((header + text).encode())
    return plan_import(session, staff, ImportOptions(**options), authority=authority, scope=scope,
                       acting_user_id=acting_user_id)


def problems(result):
    return [(p.line, p.message) for p in result.problems]


@pytest.mark.parametrize(("rows", "line", "message"), [
    ("not-an-email,Ann,Sales,,,,\n", 2, "bad e-mail 'not-an-email'"),
    (",Ann,Sales,,,,\n", 2, "e-mail is empty"),
    ("ann@example.com,,Sales,,,,\n", 2, "name is empty"),
    ("ann@example.com,Ann,Sales,,nobody@example.com,,\n", 2, "unknown manager nobody@example.com"),
    ("ann@example.com,Ann,Sales,,boss@,,\n", 2, "bad manager e-mail 'boss@'"),
    ("ann@example.com,Ann,Sales,,ann@example.com,,\n", 2,
     "manager cycle: ann@example.com cannot be their own"),
    ("ann@example.com,Ann,Sales,,,2026-13-01,\n", 2, "bad date '2026-13-01' in hired_on"),
    ("ann@example.com,Ann,Sales,,,01/02/2026,\n", 2, "bad date '01/02/2026' in hired_on"),
    ("ann@example.com,Ann,Sales,,,,maybe\n", 2, "bad value 'maybe' in active"),
    ("ann@example.com,Ann,Sales\n", 2, "has 3 fields but the header has 7"),
    ("ann@example.com,Ann," + "x" * 121 + ",,,,\n", 2, "department is longer than 120 characters"),
    ("ok@example.com,Ok,,,,,\n\nann@example.com,Ann,,,,2026-02-30,\n", 4, "bad date '2026-02-30'"),
])
def test_each_bad_row_is_named_by_line_with_its_reason(session, rows, line, message):
    result = plan(session, rows)
    assert len(result.problems) == 1, problems(result)
    assert result.problems[0].line == line
    assert message in result.problems[0].message
    assert not result.can_apply


def test_an_address_checked_twice_gets_each_rows_verdict(session):
    """Checked addresses are cached (addresses.checked_address): the second use of a bad one
    still names its own column, and a good one is normalised the same way again."""
    result = plan(session, "boss@,Ann,,,,,\nbob@example.com,Bob,,,boss@,,\n"
                           "Carl@Example.com,Carl,,,,,\ndora@example.com,Dora,,,CARL@example.com,,\n")
    assert [(line, message.split(":")[0]) for line, message in problems(result)] == [
        (2, "bad e-mail 'boss@'"), (3, "bad manager e-mail 'boss@'")]
    assert [r.fields.get("manager_email") for r in result.created] == [None, "carl@example.com"]


def test_duplicate_email_names_every_line(session):
    result = plan(session, "ann@example.com,Ann,,,,,\nbob@example.com,Bob,,,,,\nANN@example.com,Ann B,,,,,\n")
    assert problems(result) == [(2, "duplicate e-mail ann@example.com: also on line 4."),
                                (4, "duplicate e-mail ann@example.com: also on line 2.")]
    assert [r.email for r in result.created] == ["bob@example.com"]


def test_manager_cycle_through_the_file_and_existing_accounts(session):
    make_user(session, email="cy@example.com", manager=None)
    result = plan(session, "ann@example.com,Ann,,,bob@example.com,,\nbob@example.com,Bob,,,cy@example.com,,\n"
                           "cy@example.com,Cy,,,ann@example.com,,\ndee@example.com,Dee,,,ann@example.com,,\n")
    cycle = "manager cycle: ann@example.com → bob@example.com → cy@example.com → ann@example.com."
    assert problems(result) == [(2, cycle), (3, cycle), (4, cycle),
                                (5, "unknown manager ann@example.com: is neither in this file "
                                    "(without errors) nor an existing account.")]


@pytest.mark.parametrize(("header", "message"), [
    ("email,department\n", "no column gives the name: map a full name, or first and last name."),
    ("name,department\n", "no column gives the e-mail address: map one (for example 'Work Email=email')."),
    ("email,name,email\n", "columns 'email' and 'email' are both E-mail (required): map one of them to "
                            "something else, or to nothing."),
])
def test_a_bad_header_is_line_one_and_stops_everything(session, header, message):
    result = plan(session, "ann@example.com,Ann,x\n", header=header)
    assert (1, message) in problems(result)
    assert not result.can_apply and result.created == []
    assert not plan(session, "ann@example.com,Ann,x\n", header=header, skip_bad_rows=True).can_apply


def test_unknown_columns_are_listed_and_ignored(session):
    result = plan(session, "ann@example.com,Ann,44,CC-12\n", header="email,name,shoe_size,Cost Centre\n")
    assert result.problems == [] and [r.email for r in result.created] == ["ann@example.com"]
    assert result.notes == ["Not imported (columns Trainer does not use): shoe_size, Cost Centre."]


def test_files_that_are_not_text_or_are_empty(session):
    latin = plan_import(session, read_staff_bytes(b"email,name\nann@example.com,Ren\xe9e\n"),
                        authority=OPERATOR)
    assert latin.problems == [] and [r.name for r in latin.created] == ["Ren\u00e9e"]
    assert latin.notes[0].startswith("The file is not UTF-8: it was read as Windows-1252")
    empty = plan_import(session, read_staff_bytes(b""), authority=OPERATOR)
    assert problems(empty) == [(1, "The file is empty: it needs a header row.")]
    bom = plan_import(session, read_staff_bytes("\ufeffEmail,Name\r\nann@example.com,Ann\r\n".encode()),
                      authority=OPERATOR)
    assert bom.problems == [] and [r.email for r in bom.created] == ["ann@example.com"]


def test_the_diff_shows_created_updated_with_fields_deactivated_and_unchanged(session):
    boss = make_user(session, email="boss@example.com", name="Boss", department="Sales", job_role="Head")
    make_user(session, email="ann@example.com", name="Ann", department="Sales", job_role="Agent",
              manager=boss)
    make_user(session, email="gone@example.com", name="Gone", department="Sales")
    result = plan(session, "boss@example.com,Boss,Sales,Head,,,\n"
                           "ann@example.com,Ann Smith,Support,Agent,new@example.com,2024-05-01,\n"
                           "new@example.com,New Lead,Support,Lead,boss@example.com,,\n",
                  deactivate_missing=True)
    assert result.problems == []
    assert [r.email for r in result.created] == ["new@example.com"]
    assert [(u.row.email, u.changes) for u in result.updated] == [("ann@example.com", {
        "name": ("Ann", "Ann Smith"), "department": ("Sales", "Support"),
        "manager_email": ("boss@example.com", "new@example.com"), "hired_on": (None, D(2024, 5, 1))})]
    assert [a.email for a in result.deactivated] == ["gone@example.com"]
    assert result.unchanged == 1
    assert result.summary() == {"rows": 3, "created": 1, "updated": 1, "deactivated": 1, "unchanged": 1,
                                "bad_rows": 0, "refused": 0}


def test_applying_writes_everything_in_bulk_and_syncs_assignments(session):
    course = make_course(session, modules=1)
    boss = make_user(session, email="boss@example.com", name="Boss", department="Sales")
    require(session, course)
    session.commit()
    result = plan(session, "boss@example.com,Boss,Sales,,,,\n"
                           "lead@example.com,Lead,Support,Lead,boss@example.com,2026-06-01,\n"
                           "ann@example.com,Ann,Support,Agent,lead@example.com,,\n")
    with clock.frozen(D(2026, 6, 15)):
        done = apply_import(session, Actor.cli(), result, D(2026, 6, 15))
    session.commit()
    session.expire_all()
    ann = session.scalar(select(User).where(User.email == "ann@example.com"))
    lead = session.scalar(select(User).where(User.email == "lead@example.com"))
    assert (ann.manager_id, lead.manager_id) == (lead.id, boss.id)
    assert ann.department.name == "Support" and lead.hired_on == D(2026, 6, 1)
    assert current(session, ann, course).due_on == D(2026, 7, 15)
    # Boss's empty job_role cell keeps it (clearing needs clear_fields): he is unchanged.
    assert (done.created, done.updated, done.sync.created) == (2, 0, 2)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "users.imported"))
    assert event.details["created"] == 2 and event.details["rows"] == 3


def test_new_people_get_managers_named_later_in_the_file_or_by_a_new_address(session):
    """PostgreSQL writes new people with their managers in one COPY (staff_apply._create):
    a manager further down the file, or named by an existing person's new address, is set
    as on SQLite, where managers are set once everyone exists."""
    boss = make_user(session, email="old.boss@example.com", name="Boss", department=None, job_role=None)
    boss.employee_id = "E1"
    session.commit()
    result = plan(session, "ann@example.com,Ann,,,,lead@example.com,,\n"
                           "lead@example.com,Lead,,,,new.boss@example.com,,\n"
                           "new.boss@example.com,Boss,,,E1,,,\n",
                  header="email,name,department,job_role,employee_id,manager_email,hired_on,active\n")
    assert not problems(result)
    with clock.frozen(D(2026, 6, 15)):
        done = apply_import(session, Actor.cli(), result, D(2026, 6, 15))
    session.commit()
    session.expire_all()
    ann, lead = (session.scalar(select(User).where(User.email == email))
                 for email in ("ann@example.com", "lead@example.com"))
    assert (done.created, done.updated) == (2, 1)
    assert (ann.manager_id, lead.manager_id) == (lead.id, boss.id)
    assert ann.id < lead.id and not ann.is_auditor and ann.locale == "en" and ann.session_version == 1


def test_an_empty_cell_keeps_the_field_unless_it_is_named_to_clear(session):
    boss = make_user(session, email="boss@example.com", name="Boss")
    make_user(session, email="ann@example.com", name="Ann", department="Sales", job_role="Agent",
              manager=boss, hired_on=D(2024, 1, 1))
    make_user(session, email="old@example.com", name="Old", active=False, job_role=None)
    text = "ann@example.com,Ann,,,,,\nold@example.com,Old,,,,,\n"
    kept = plan(session, text)
    assert (kept.updated, kept.unchanged) == ([], 2)  # and an empty active cell does not reactivate
    cleared = plan(session, text, clear_fields=frozenset({"job_role", "manager_email"}))
    assert [(u.row.email, u.changes) for u in cleared.updated] == [
        ("ann@example.com", {"job_role": ("Agent", None), "manager_email": ("boss@example.com", None)})]
    assert kept.digest() != cleared.digest()


def test_new_departments_are_listed_before_they_are_created(session):
    make_user(session, email="ann@example.com", name="Ann", department="Sales")
    result = plan(session, "ann@example.com,Ann,Logistics,,,,\nnew@example.com,New,Sales,,,,\n"
                           "x@example.com,X,Lgistics,,,,\n")
    assert result.new_departments == ["Lgistics", "Logistics"]


def test_nothing_is_applied_while_any_row_is_bad(session):
    result = plan(session, "ann@example.com,Ann,,,,,\nbob@example.com,Bob,,,,yesterday,\n")
    with pytest.raises(ImportRefused, match="1 rows have errors; nothing was imported"):
        apply_import(session, Actor.cli(), result, D(2026, 6, 15))
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_skipping_bad_rows_applies_the_rest_and_never_deactivates_people_it_names(session):
    make_user(session, email="bob@example.com", name="Bob")
    make_user(session, email="left@example.com", name="Left")
    result = plan(session, "ann@example.com,Ann,,,,,\nbob@example.com,Bob,,,,yesterday,\n",
                  skip_bad_rows=True, deactivate_missing=True, allow_mass_deactivation=1)
    assert result.can_apply and result.bad_lines == [3]
    assert [a.email for a in result.deactivated] == ["left@example.com"]  # not Bob: his row is bad
    apply_import(session, Actor.cli(), result, D(2026, 6, 15))
    session.commit()
    emails = set(session.scalars(select(User.email).where(User.active.is_(True))))
    assert emails == {"ann@example.com", "bob@example.com"}


def test_deactivating_ends_sessions_closes_assignments_and_keeps_evidence(session):
    course = make_course(session, modules=1)
    stays = make_user(session, email="stays@example.com", name="Stays")
    leaves = make_user(session, email="leaves@example.com", name="Leaves")
    require(session, course)
    sync(session, D(2026, 1, 5))
    complete_course(session, leaves, course, D(2026, 1, 20))
    version = leaves.session_version
    result = plan(session, "stays@example.com,Stays,Customer Service,Agent,,,\n", deactivate_missing=True,
                  acting_user_id=None, allow_mass_deactivation=1)
    with clock.frozen(D(2026, 6, 15)):
        done = apply_import(session, Actor.cli(), result, D(2026, 6, 15))
    session.commit()
    session.expire_all()
    assert (done.deactivated, done.sync.closed) == (1, 1)
    assert (leaves.active, leaves.session_version) == (False, version + 1)
    assert leaves.deactivated_at is not None and stays.active
    assert session.scalar(select(func.count()).select_from(ModuleCompletion)) == 1
    assert session.scalar(select(func.count()).select_from(Certificate)) == 1
    assert current(session, leaves, course) is None


def test_an_inactive_row_deactivates_and_an_active_one_reactivates(session):
    make_user(session, email="ann@example.com", name="Ann", department=None, job_role=None)
    back = make_user(session, email="back@example.com", name="Back", department=None, job_role=None,
                     active=False)
    result = plan(session, "ann@example.com,Ann,false\nback@example.com,Back,yes\n",
                  header="email,name,active\n")
    assert [(u.row.email, u.changes) for u in result.updated] == [
        ("ann@example.com", {"active": (True, False)}), ("back@example.com", {"active": (False, True)})]
    apply_import(session, Actor.cli(), result, D(2026, 6, 15))
    session.commit()
    session.expire_all()
    assert back.active and back.deactivated_at is None
    ann = session.scalar(select(User).where(User.email == "ann@example.com"))
    assert not ann.active and ann.session_version == 2


def test_the_importer_never_deactivates_themselves(session):
    me = make_user(session, email="hr@example.com", roles=("hr",))
    result = plan(session, "ann@example.com,Ann,,,,,\n", deactivate_missing=True, acting_user_id=me.id)
    assert result.deactivated == []


def test_hr_limited_to_sales_may_only_touch_sales(session):
    make_user(session, email="s1@example.com", department="Sales")
    make_user(session, email="u1@example.com", department="Support")
    sales = make_user(session, email="s2@example.com", department="Sales").department_id
    result = plan(session, "s1@example.com,S One,Sales,,,,\nu1@example.com,U One,Sales,,,,\n"
                           "new@example.com,New,Support,,,,\nnew2@example.com,New 2,,,,,\n",
                  scope=frozenset({sales}), deactivate_missing=True)
    assert problems(result) == [(3, "u1@example.com is in a department outside yours."),
                                (4, "department 'Support' is not one of yours."),
                                (5, "no department: you may only import people into yours.")]
    assert [a.email for a in result.deactivated] == ["s2@example.com"]  # not u1: outside the scope


def test_json_records_use_the_same_rules_numbered_by_position(session):
    staff = read_staff_records([{"email": "ann@example.com", "name": "Ann", "active": True},
                                {"email": "bad", "name": "Bob"}, {"email": "c@example.com"},
                                {"email": "d@example.com", "name": "D", "shoe": 1}, "nonsense"])
    assert [(p.line, p.message.split(";")[0].split(":")[0]) for p in staff.problems] == [
        (2, "bad e-mail 'bad'"), (3, "missing field 'name'."), (4, "unknown field 'shoe'"),
        (5, "is not an object.")]
    assert [r.email for r in staff.rows] == ["ann@example.com"]


def test_the_digest_changes_when_the_outcome_would(session):
    first = plan(session, "ann@example.com,Ann,,,,,\n")
    assert first.digest() == plan(session, "ann@example.com,Ann,,,,,\n").digest()
    make_user(session, email="ann@example.com", name="Ann B")
    assert first.digest() != plan(session, "ann@example.com,Ann,,,,,\n").digest()
