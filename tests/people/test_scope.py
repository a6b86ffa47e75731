"""HR scope fails closed (issue 14.4): every department only when chosen explicitly."""

from __future__ import annotations

from sqlalchemy import select

from tests.factories import make_user
from trainer.models import User
from trainer.people.scope import restrict_to_scope, visible_department_ids


def test_who_sees_which_departments(session):
    sales = make_user(session, email="s@example.com", department="Sales")
    admin = make_user(session, email="admin@example.com", roles=("admin",))
    everywhere = make_user(session, email="all@example.com", roles=("hr",))
    limited = make_user(session, email="sales-hr@example.com", roles=("hr",), hr_departments=["Sales"])
    unticked = make_user(session, email="none-hr@example.com", roles=("hr",), hr_departments=[])
    employee = make_user(session, email="e@example.com")
    # Written out by hand: None is every department.
    assert visible_department_ids(session, admin) is None
    assert visible_department_ids(session, everywhere) is None
    assert visible_department_ids(session, limited) == {sales.department_id}
    assert visible_department_ids(session, unticked) == set()
    assert visible_department_ids(session, employee) == set()
    # A plain employee who happens to have the flag (left from a lost HR role) sees nothing.
    employee.hr_all_departments = True
    assert visible_department_ids(session, employee) == set()


def test_an_empty_scope_finds_nobody(session):
    make_user(session, email="s@example.com", department="Sales")
    unticked = make_user(session, email="none-hr@example.com", roles=("hr",), hr_departments=[])
    query = restrict_to_scope(select(User.id), visible_department_ids(session, unticked))
    assert session.scalars(query).all() == []
