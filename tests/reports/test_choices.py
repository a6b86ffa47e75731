"""The HR filter form's managers: people who manage an active person the viewer may see."""

from __future__ import annotations

from tests.factories import make_user
from trainer.reports.choices import filter_choices


def test_managers_of_active_people_within_scope_each_once_by_name(session):
    bea = make_user(session, name="Bea", department="Sales")
    al = make_user(session, name="Al", department="Legal")
    cy = make_user(session, name="Cy", department="Sales")
    for _ in range(2):
        make_user(session, department="Sales", manager=bea)  # two reports: listed once
    make_user(session, department="Legal", manager=al)
    make_user(session, department="Sales", manager=cy, active=False)  # only a leaver
    everyone = filter_choices(session, None).managers
    assert everyone == [(al.id, "Al"), (bea.id, "Bea")]
    sales = filter_choices(session, frozenset({bea.department_id})).managers
    assert sales == [(bea.id, "Bea")]  # Al manages someone in Legal only
    assert filter_choices(session, frozenset()).managers == []
