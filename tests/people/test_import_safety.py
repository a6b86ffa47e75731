"""Imports that cannot wipe the company (issue 18.2) and that never touch privileged accounts
without an administrator's authority (issue 14.3): refusals, the deactivation guard, partial
and garbled files, reactivation that restores assignments, one audit event per account."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select

from tests.compliance.helpers import current, cycles, require, sync
from tests.factories import make_course, make_user
from trainer import audit, clock
from trainer.audit import Actor
from trainer.models import Assignment, AuditEvent, User
from trainer.people.privileged import Authority, Channel
from trainer.people.staff_apply import ImportRefused, apply_import
from trainer.people.staff_file import read_staff_bytes, read_staff_records
from trainer.people.staff_import import ImportOptions, plan_import

D = dt.date
OPERATOR = Authority.operator()


@dataclasses.dataclass
class Acting:
    is_hr: bool = False
    is_admin: bool = False


HR_PAGE = Authority.of(Channel.IMPORT, Acting(is_hr=True))
ADMIN_PAGE = Authority.of(Channel.IMPORT, Acting(is_hr=True, is_admin=True))


def plan(session, csv_text, authority=OPERATOR, **options):
    return plan_import(session, read_staff_bytes(csv_text.encode()), ImportOptions(**options),
                       authority=authority)


def people(session, count, prefix="p"):
    return [make_user(session, email=f"{prefix}{i}@example.com", name=f"P {i}", password=None,
                      department="Sales", job_role=None) for i in range(count)]


def staff_list(users, header="email,name\n"):
    return header + "".join(f"{u.email},{u.name}\n" for u in users)


# --- privileged accounts -------------------------------------------------------------------

def test_hr_cannot_change_deactivate_or_reactivate_privileged_accounts(session):
    make_user(session, email="admin@example.com", name="Admin", roles=("admin",), department=None,
              job_role=None)
    make_user(session, email="hr2@example.com", name="Hr Two", roles=("hr",), department=None, job_role=None)
    make_user(session, email="old-admin@example.com", name="Old", roles=("admin",), active=False,
              department=None, job_role=None)
    make_user(session, email="ann@example.com", name="Ann", department=None, job_role=None)
    text = ("email,name,active\nadmin@example.com,Admin,false\nhr2@example.com,Renamed,true\n"
            "old-admin@example.com,Old,true\nann@example.com,Ann B,true\n")
    by_hr = plan(session, text, HR_PAGE)
    assert [(r.line, r.email) for r in by_hr.refused] == [
        (2, "admin@example.com"), (3, "hr2@example.com"), (4, "old-admin@example.com")]
    assert all("only an administrator may change such an account by staff import" in r.reason
               for r in by_hr.refused)
    assert [u.row.email for u in by_hr.updated] == ["ann@example.com"]
    assert by_hr.can_apply  # refused rows are reported, the rest goes ahead
    by_admin = plan(session, text, ADMIN_PAGE)
    assert by_admin.refused == []
    assert [u.row.email for u in by_admin.updated] == [
        "admin@example.com", "hr2@example.com", "old-admin@example.com", "ann@example.com"]


def test_hr_cannot_change_an_auditor_whose_access_has_lapsed_or_not(session):
    """An auditor reads every department: a scoped HR user who could change the auditor's
    address by import could take the account over (password reset) and read beyond their scope."""
    make_user(session, email="aud@example.com", name="Aud", roles=("auditor",), department=None,
              job_role=None)
    lapsed = make_user(session, email="old-aud@example.com", name="Old Aud", roles=("auditor",),
                       department=None, job_role=None)
    lapsed.auditor_until = D(2020, 1, 1)
    session.flush()
    text = ("email,name,employee_id\naud@example.com,Aud,E1\nold-aud@example.com,Old Aud,E2\n")
    by_hr = plan(session, text, HR_PAGE)
    assert [(r.email, "auditor rights" in r.reason) for r in by_hr.refused] == [
        ("aud@example.com", True), ("old-aud@example.com", True)]
    assert plan(session, text, ADMIN_PAGE).refused == []


def test_an_unchanged_privileged_row_is_not_a_refusal(session):
    make_user(session, email="hr2@example.com", name="Hr Two", roles=("hr",), department=None, job_role=None)
    result = plan(session, "email,name\nhr2@example.com,Hr Two\n", HR_PAGE)
    assert (result.refused, result.unchanged) == ([], 1)


def test_a_staff_list_never_deactivates_an_administrator_for_being_missing(session):
    make_user(session, email="admin@example.com", roles=("admin",))
    make_user(session, email="hr2@example.com", roles=("hr",))
    stays = people(session, 30)
    by_operator = plan(session, staff_list(stays), deactivate_missing=True)
    assert [a.email for a in by_operator.deactivated] == ["hr2@example.com"]  # the operator may
    assert [(r.line, r.email) for r in by_operator.refused] == [(None, "admin@example.com")]
    assert "never deactivates an administrator" in by_operator.refused[0].reason
    by_hr = plan(session, staff_list(stays), HR_PAGE, deactivate_missing=True)
    assert by_hr.deactivated == []
    assert {r.email for r in by_hr.refused} == {"admin@example.com", "hr2@example.com"}


# --- the deactivation guard ----------------------------------------------------------------

def test_deactivating_more_than_the_share_needs_the_number_confirmed(session):
    staff = people(session, 20)
    exactly = plan(session, staff_list(staff[2:]), deactivate_missing=True)  # 2 of 20 = 10 %
    assert (len(exactly.deactivated), exactly.deactivation_blocked, exactly.can_apply) == (2, None, True)
    over = plan(session, staff_list(staff[3:]), deactivate_missing=True)  # 3 of 20 = 15 %
    assert over.deactivation_blocked == ("This import would deactivate 3 of 20 active people, more than "
                                         "10 %. "
                                         "Check that the file is the full staff list.")
    assert not over.can_apply and over.count_confirmable
    with pytest.raises(ImportRefused, match="would deactivate 3 of 20"):
        apply_import(session, Actor.cli(), over, D(2026, 6, 15))
    wrong = plan(session, staff_list(staff[3:]), deactivate_missing=True, allow_mass_deactivation=4)
    assert wrong.deactivation_blocked == "This import would deactivate 3 people, not the 4 you expected. " \
                                         "Nothing was imported."
    confirmed = plan(session, staff_list(staff[3:]), deactivate_missing=True, allow_mass_deactivation=3)
    assert confirmed.can_apply and confirmed.digest() == over.digest()
    looser = plan(session, staff_list(staff[3:]), deactivate_missing=True, max_deactivation_percent=15)
    assert looser.can_apply


def test_an_empty_file_or_list_never_deactivates_anyone(session):
    make_user(session, email="admin@example.com", roles=("admin",))
    people(session, 3)
    for staff in (read_staff_bytes(b"email,name\n"), read_staff_records([])):
        result = plan_import(session, staff, ImportOptions(deactivate_missing=True), authority=OPERATOR)
        assert result.deactivated == [] and result.changes == 0
        assert result.notes == ["The list names nobody, so nobody is deactivated."]
    only_bad = plan(session, "email,name\nnot-an-address,X\n", deactivate_missing=True, skip_bad_rows=True)
    assert only_bad.deactivated == []


def test_people_on_a_garbled_row_are_never_missing(session):
    # A stray quote swallows the lines after it into one cell: that row is bad and skipped,
    # and the people named inside it are not "missing" from the list.
    staff = people(session, 40)
    lines = [f"{u.email},{u.name}" for u in staff]
    lines[5] = f'{staff[5].email},"{staff[5].name}'
    result = plan(session, "email,name\n" + "\n".join(lines) + "\n", deactivate_missing=True,
                  skip_bad_rows=True)
    assert result.bad_lines == [7]
    assert result.deactivated == [] and result.can_apply


def test_a_file_that_cannot_be_read_to_the_end_deactivates_nobody(session):
    staff = people(session, 10)
    # A stray quote followed by more text than a CSV field may hold: reading stops there.
    text = staff_list(staff[:5]) + f"{staff[5].email},\"{staff[5].name}\n" + "x" * 140_000 + "\n"
    result = plan(session, text, deactivate_missing=True, skip_bad_rows=True)
    assert "the rest of the file was not read" in result.problems[0].message
    assert "could not be read to the end" in result.deactivation_blocked
    assert not result.count_confirmable and not result.can_apply
    assert not plan(session, text, deactivate_missing=True, skip_bad_rows=True,
                    allow_mass_deactivation=len(result.deactivated)).can_apply


# --- reactivation restores assignments -----------------------------------------------------

def assigned_in_january(session):
    course = make_course(session, modules=1)
    ann = make_user(session, email="ann@example.com", name="Ann", department=None, job_role=None)
    require(session, course, due_days=30)
    sync(session, D(2026, 1, 5))
    return course, ann


def test_reactivating_restores_assignments_with_their_original_due_dates(session):
    course, ann = assigned_in_january(session)
    original = current(session, ann, course)
    assert original.due_on == D(2026, 2, 4)
    for day, active in ((D(2026, 3, 1), "false"), (D(2026, 4, 1), "true")):
        with clock.frozen(day):
            text = f"email,name,active\nann@example.com,Ann,{active}\n"
            apply_import(session, Actor.cli(), plan(session, text), day)
        session.commit()
        session.expire_all()
    back = current(session, ann, course)
    assert (back.id, back.due_on, back.cycle) == (original.id, D(2026, 2, 4), 1)  # still overdue
    assert (back.closed_on, back.closed_reason) == (None, None)
    assert len(cycles(session, ann, course)) == 1


def test_a_cycle_closed_by_leaving_is_not_restored_over_a_later_one(session):
    course, ann = assigned_in_january(session)
    first = current(session, ann, course)
    first.current, first.closed_on, first.closed_reason = False, D(2026, 2, 1), "deactivated"
    # A later cycle, completed and since expired: the one left behind must not come back.
    session.add(Assignment(user_id=ann.id, course_id=course.id, requirement_id=first.requirement_id, cycle=2,
                           reason="requirement", assigned_on=D(2026, 2, 2), due_on=D(2026, 3, 1),
                           completed_on=D(2026, 2, 10), expires_on=D(2026, 3, 31), current=False))
    session.flush()
    sync(session, D(2026, 4, 1))
    assert current(session, ann, course).cycle == 3


# --- audit ---------------------------------------------------------------------------------

def test_one_audit_event_per_account_with_the_fields_changed(session):
    make_user(session, email="ann@example.com", name="Ann", department="Sales", job_role=None)
    make_user(session, email="bob@example.com", name="Bob", department="Sales", job_role=None, active=False)
    gone = make_user(session, email="gone@example.com", name="Gone", department="Sales", job_role=None)
    result = plan(session, "email,name,department,active\nann@example.com,Ann B,Support,true\n"
                           "bob@example.com,Bob,Sales,true\nnew@example.com,New,Sales,true\n",
                  deactivate_missing=True, allow_mass_deactivation=1)
    apply_import(session, Actor.cli(), result, D(2026, 6, 15))
    session.commit()
    ids = dict(session.execute(select(User.email, User.id)).all())
    events = session.execute(select(AuditEvent.action, AuditEvent.target_id, AuditEvent.details)
                             .where(AuditEvent.target_type == "User").order_by(AuditEvent.id)).all()
    assert [(a, int(t), d) for a, t, d in events] == [
        ("user.created", ids["new@example.com"],
         {"via": "staff import", "fields": ["active", "department", "name"]}),
        ("user.updated", ids["ann@example.com"], {"via": "staff import", "changed": ["department", "name"]}),
        ("user.reactivated", ids["bob@example.com"], {"via": "staff import", "changed": ["active"]}),
        ("user.deactivated", gone.id, {"via": "staff import", "reason": "not in the staff list"})]
    assert audit.verify_chain(session) is None
