"""Retention: leavers are pseudonymised after the retention period; evidence stays."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.compliance.helpers import complete_course, require, sync
from tests.factories import make_course, make_user
from trainer import audit, clock
from trainer.audit import Actor
from trainer.models import Assignment, AuditEvent, Certificate, Notification, User
from trainer.people.accounts import deactivate_user

D = dt.date


def leave(session, user, day):
    with clock.frozen(day):
        deactivate_user(session, Actor.cli(), user)


def test_pseudonymises_only_people_gone_longer_than_the_retention_period(app, session, runner):
    course = make_course(session, modules=1)
    gone = make_user(session, email="gone@example.com", name="Gone Person", manager=make_user(session))
    recent = make_user(session, email="recent@example.com", name="Recent Leaver")
    staying = make_user(session, email="staying@example.com")
    require(session, course)
    sync(session, D(2024, 1, 2))
    complete_course(session, gone, course, D(2024, 1, 10))
    leave(session, gone, D(2024, 2, 1))
    leave(session, recent, D(2026, 1, 1))
    session.commit()
    app.config["RETENTION_DAYS"] = 365

    dry = runner.invoke(args=["retention", "apply", "--as-of", "2026-03-01", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Would do: 1 former employees pseudonymised" in dry.output
    session.expire_all()
    assert gone.email == "gone@example.com"

    result = runner.invoke(args=["retention", "apply", "--as-of", "2026-03-01"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert gone.name.startswith("Former employee ") and "gone" not in gone.email
    assert gone.password_hash is None and gone.manager_id is None and gone.pseudonymised_at
    assert recent.email == "recent@example.com" and staying.email == "staying@example.com"
    # Evidence is kept under the pseudonym.
    evidence = session.scalar(select(Assignment).where(Assignment.user_id == gone.id))
    assert evidence.completed_on == D(2024, 1, 10)
    assert session.scalar(select(Certificate).where(Certificate.user_id == gone.id)) is not None
    again = runner.invoke(args=["retention", "apply", "--as-of", "2026-03-01"])
    assert "0 former employees pseudonymised" in again.output


def test_a_pseudonymised_owner_is_taken_off_their_courses_and_review_reminders(app, session, runner):
    from trainer.content.review import review_list
    from trainer.notify.review_reminders import plan_review_reminders

    course = make_course(session, modules=1)
    course.owner, course.reviewed_on = "gone@example.com", D(2020, 1, 1)
    other = make_course(session, modules=1)
    other.owner, other.reviewed_on = "someone@example.com", D(2020, 1, 1)
    gone = make_user(session, email="Gone@Example.com", name="Gone Person")
    with clock.frozen(D(2024, 1, 2)):
        plan_review_reminders(session, D(2024, 1, 2))
    leave(session, gone, D(2024, 2, 1))
    session.commit()
    app.config["RETENTION_DAYS"] = 365
    result = runner.invoke(args=["retention", "apply", "--as-of", "2026-03-01"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert course.owner is None and other.owner == "someone@example.com"
    assert session.scalars(select(Notification.email).order_by(Notification.id)).all() == [
        gone.email, "someone@example.com"]
    assert "gone@example.com" not in str(session.scalars(select(AuditEvent.details)).all()).lower()
    assert [r.course.owner for r in review_list(session, D(2026, 3, 1))] == [None, "someone@example.com"]


def test_old_audit_ips_are_cut_to_their_network_and_the_chain_stays_valid(app, session, runner):
    with clock.frozen(D(2026, 1, 1)):
        audit.record(session, Actor(label="user", user_id=None, ip="203.0.113.77"), "auth.signed_in")
    with clock.frozen(D(2026, 5, 1)):
        audit.record(session, Actor(label="user", user_id=None, ip="203.0.113.78"), "auth.signed_in")
    session.commit()
    result = runner.invoke(args=["retention", "apply", "--as-of", "2026-05-10"])
    assert "1 audit IP addresses cut" in result.output
    ips = session.scalars(select(AuditEvent.ip).where(AuditEvent.action == "auth.signed_in")
                          .order_by(AuditEvent.id)).all()
    assert ips == ["203.0.113.0/24", "203.0.113.78"]
    assert runner.invoke(args=["audit", "verify"]).output.strip() == "Audit trail intact."


def test_audit_verify_names_the_first_broken_link(session, runner):
    for n in range(3):
        audit.record(session, Actor.cli(), "test.event", n=n)
    session.commit()
    second = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()[1]
    second.details = {"n": 42}
    session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"broken at event #{second.id}" in result.output


def test_a_pseudonymised_account_cannot_come_back(session):
    from trainer.people.accounts import AccountError, reactivate_user
    from trainer.people.retention import pseudonymise

    user = make_user(session)
    leave(session, user, D(2024, 1, 1))
    pseudonymise(session, Actor.cli(), user)
    with pytest.raises(AccountError, match="pseudonymised"):
        reactivate_user(session, Actor.cli(), user)
    assert session.get(User, user.id).active is False
