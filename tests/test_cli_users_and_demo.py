"""`trainer users create` and `trainer demo`."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy import func, select

from tests.content.shipped import COURSES
from trainer.content import load_courses
from trainer.models import User


def test_create_admin_with_password_from_stdin(runner, session):
    result = runner.invoke(args=["users", "create", "--email", "Root@Example.com", "--name",
                                 "Root Admin", "--role", "admin", "--department", "IT",
                                 "--password-stdin"], input="a long enough passphrase\n")
    assert result.exit_code == 0, result.output
    user = session.scalar(select(User).where(User.email == "root@example.com"))
    assert user.roles == {"employee", "admin"}
    assert user.department.name == "IT"
    assert user.password_hash.startswith("$argon2id$")


def test_generated_password_is_printed_once(runner, session, auth):
    result = runner.invoke(args=["users", "create", "--email", "hr@example.com", "--name",
                                 "H R", "--role", "hr", "--generate-password"])
    assert result.exit_code == 0, result.output
    password = result.output.split("Password (shown once): ")[1].strip()
    assert auth.login("hr@example.com", password).status_code == 302


def test_an_hr_user_sees_every_department_only_when_asked(runner, session):
    limited = runner.invoke(args=["users", "create", "--email", "hr@example.com", "--name", "H R",
                                  "--role", "hr", "--generate-password"])
    assert "HR scope: no department yet." in limited.output
    everywhere = runner.invoke(args=["users", "create", "--email", "hr2@example.com", "--name", "H R 2",
                                     "--role", "hr", "--generate-password", "--hr-all-departments"])
    assert everywhere.exit_code == 0 and "HR scope" not in everywhere.output
    flags = dict(session.execute(select(User.email, User.hr_all_departments)).all())
    assert flags == {"hr@example.com": False, "hr2@example.com": True}


def test_weak_password_is_refused_with_a_reason(runner, session):
    result = runner.invoke(args=["users", "create", "--email", "a@example.com", "--name", "A",
                                 "--password-stdin"], input="short\n")
    assert result.exit_code == 1
    assert "at least 12 characters" in result.output
    common = runner.invoke(args=["users", "create", "--email", "a@example.com", "--name", "A",
                                 "--password-stdin"], input="qwerty123456\n")
    assert "commonly used" in common.output
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_duplicate_email_is_refused(runner, session):
    args = ["users", "create", "--email", "a@example.com", "--name", "A", "--password-stdin"]
    assert runner.invoke(args=args, input="a long enough passphrase\n").exit_code == 0
    again = runner.invoke(args=args, input="a long enough passphrase\n")
    assert again.exit_code == 1
    assert "already an account" in again.output


def test_unknown_manager_is_refused(runner, session):
    result = runner.invoke(args=["users", "create", "--email", "a@example.com", "--name", "A",
                                 "--manager-email", "boss@example.com", "--generate-password"])
    assert result.exit_code == 1
    assert "No account for manager boss@example.com" in result.output


def test_demo_creates_an_organisation_with_working_logins(app, runner, session, auth, client):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    people = session.scalars(select(User)).all()
    assert len(people) == 21
    lead = next(p for p in people if p.job_role == "Data protection lead")
    assert (lead.department.name, lead.manager.email) == ("Management", "amara.okafor@example.com")
    assert sum(1 for p in people if p.manager_id) >= 15
    logins_file = os.path.join(app.instance_path, "demo-logins.txt")
    assert stat.S_IMODE(os.stat(logins_file).st_mode) == 0o600
    for line in Path(logins_file).read_text().splitlines():
        role, email, _, password = line.split()
        assert auth.login(email, password).status_code == 302, role
        hr_status = client.get("/hr/").status_code
        assert hr_status == (200 if role.split("-")[0] in ("hr", "admin") else 403)  # hr-scoped too
        auth.logout()
    hr_users = {p.email.split("@")[0]: (p.hr_all_departments, [d.name for d in p.hr_departments])
                for p in people if p.is_hr}
    assert hr_users == {"grace.kim": (True, []), "jonas.weber": (False, ["Customer Service"])}
    again = runner.invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "nothing created" in again.output
    assert len(session.scalars(select(User)).all()) == len(people)


def test_every_job_role_a_shipped_course_names_is_held_by_someone_in_the_demo(runner, session):
    """`make run` shows each role track: a course naming a job role nobody in the demo has
    (a typo, or a role the demo lacks) would be assigned to no one."""
    assert runner.invoke(args=["demo"]).exit_code == 0
    demo_roles = set(session.scalars(select(User.job_role)))
    for course in load_courses(COURSES):
        if course.meta.audience != "everyone":
            missing = set(course.meta.audience.get("job_roles", [])) - demo_roles
            assert not missing, (course.slug, missing)
