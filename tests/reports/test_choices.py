"""The HR filter form's managers: people who manage an active person the viewer may see,
narrowed to the chosen department's people, always with the chosen manager."""

from __future__ import annotations

from tests.factories import make_user
from trainer.reports.choices import filter_choices
from trainer.reports.filters import NO_DEPARTMENT, ReportFilter


def test_managers_of_active_people_within_scope_each_once_by_name(session):
    bea = make_user(session, name="Bea", department="Sales")
    al = make_user(session, name="Al", department="Legal")
    cy = make_user(session, name="Cy", department="Sales")
    for _ in range(2):
        make_user(session, department="Sales", manager=bea)  # two reports: listed once
    make_user(session, department="Legal", manager=al)
    make_user(session, department="Sales", manager=cy, active=False)  # only a leaver
    everyone = filter_choices(session, ReportFilter()).managers
    assert everyone == [(al.id, "Al"), (bea.id, "Bea")]
    sales = filter_choices(session, ReportFilter(scope=frozenset({bea.department_id}))).managers
    assert sales == [(bea.id, "Bea")]  # Al manages someone in Legal only
    assert filter_choices(session, ReportFilter(scope=frozenset())).managers == []


def _organisation(session):
    """Al (Legal) manages Legal people; Bea (Legal) manages a Sales person and a person
    without a department; Dee (no department) manages a Sales person."""
    al = make_user(session, name="Al", department="Legal")
    bea = make_user(session, name="Bea", department="Legal")
    dee = make_user(session, name="Dee", department=None)
    legal = make_user(session, department="Legal", manager=al)
    sales = make_user(session, department="Sales", manager=bea)
    make_user(session, department=None, manager=bea)
    make_user(session, department="Sales", manager=dee)
    return al, bea, dee, legal.department_id, sales.department_id


def test_a_chosen_department_offers_the_managers_of_its_people_wherever_they_sit(session):
    al, bea, dee, legal, sales = _organisation(session)
    assert filter_choices(session, ReportFilter(department_id=legal)).managers == [(al.id, "Al")]
    # Bea sits in Legal but manages in Sales: she is offered under Sales, not Legal.
    assert filter_choices(session, ReportFilter(department_id=sales)).managers == [
        (bea.id, "Bea"), (dee.id, "Dee")]
    assert filter_choices(session, ReportFilter(department_id=NO_DEPARTMENT)).managers == [
        (bea.id, "Bea")]
    # Departments and courses are never narrowed: the form must let HR pick another.
    choices = filter_choices(session, ReportFilter(department_id=legal))
    assert {id_ for id_, _ in choices.departments} == {legal, sales}


def test_the_chosen_manager_is_offered_even_outside_the_chosen_department(session):
    al, _, dee, legal, _ = _organisation(session)
    managers = filter_choices(session, ReportFilter(department_id=legal, manager_id=dee.id)).managers
    assert managers == [(al.id, "Al"), (dee.id, "Dee")]  # by name, Dee added once
    same = filter_choices(session, ReportFilter(department_id=legal, manager_id=al.id)).managers
    assert same == [(al.id, "Al")]


def test_a_chosen_manager_outside_scope_is_not_revealed(session):
    al, _, dee, legal, _ = _organisation(session)
    legal_only = ReportFilter(scope=frozenset({legal}), department_id=legal, manager_id=dee.id)
    assert filter_choices(session, legal_only).managers == [(al.id, "Al")]
    # Dee's only report is in Sales; nor is a person who manages nobody offered.
    nobody = filter_choices(session, ReportFilter(manager_id=999_999)).managers
    assert [name for _, name in nobody] == ["Al", "Bea", "Dee"]
