"""A regulation update reaches exactly the people whose training predates it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.compliance.helpers import complete_course, complete_module, current, require, sync
from tests.factories import make_course, make_user
from trainer import clock
from trainer.audit import Actor
from trainer.compliance.progress import progress_of
from trainer.compliance.regulation_updates import (
    UpdateError,
    acknowledge_update,
    open_acknowledgements,
    publish_update,
)
from trainer.models import RegulationUpdate, UpdateAcknowledgement

D = dt.date


EFFECTIVE = D(2026, 6, 1)


def make_update(session, modules, *, action="retrain", effective_on=EFFECTIVE, due_days=21):
    update = RegulationUpdate(
        title="Breach reports must name the DPO", regulation="GDPR Art. 33(3)(b)",
        summary="Reports must now name the DPO.", summary_html="<p>Reports must now name the DPO.</p>",
        effective_on=effective_on, action=action, due_days=due_days, modules=list(modules),
    )
    session.add(update)
    session.flush()
    return update


@pytest.fixture
def org(session):
    course = make_course(session, modules=3, refresher_months=24)
    people = {name: make_user(session, name=name) for name in ("done", "partial", "fresh", "none")}
    require(session, course)
    sync(session, D(2026, 1, 5))
    complete_course(session, people["done"], course, D(2026, 2, 1))
    complete_module(session, people["partial"], course.active_modules[0], D(2026, 2, 1))
    complete_module(session, people["partial"], course.active_modules[1], D(2026, 2, 1))
    return course, people


def test_retrain_reaches_exactly_those_whose_completion_predates_it(session, org):
    course, people = org
    affected = course.active_modules[1]
    # "fresh" completes the whole course after the effective date: not affected.
    complete_course(session, people["fresh"], course, D(2026, 6, 3))
    update = make_update(session, [affected])
    with clock.frozen(D(2026, 6, 10)):
        result = publish_update(session, Actor.cli(), update, D(2026, 6, 10))
    assert (result.retrain, result.in_progress, result.acknowledge) == (1, 1, 0)

    delta = current(session, people["done"], course)
    assert delta.reason == "regulation_update" and delta.regulation_update_id == update.id
    assert delta.due_on == D(2026, 7, 1)
    assert delta.change_note == "GDPR Art. 33(3)(b): Breach reports must name the DPO"
    assert progress_of(session, delta).next_module.id == affected.id
    assert progress_of(session, delta).done_count == 2

    partial = current(session, people["partial"], course)
    assert partial.regulation_update_id == update.id
    assert progress_of(session, partial).done_count == 1  # the affected module must be redone
    assert current(session, people["fresh"], course).completed_on == D(2026, 6, 3)
    assert current(session, people["none"], course).regulation_update_id is None

    complete_module(session, people["done"], affected, D(2026, 6, 12))
    assert current(session, people["done"], course).completed_on == D(2026, 6, 12)


def test_acknowledge_action_creates_tasks_and_records_who_and_when(session, org):
    course, people = org
    update = make_update(session, [course.active_modules[0]], action="acknowledge")
    with clock.frozen(D(2026, 6, 10)):
        result = publish_update(session, Actor.cli(), update, D(2026, 6, 10))
    assert result.acknowledge == 2  # "done" and "partial" completed module 1 before June
    tasks = open_acknowledgements(session, people["done"].id)
    assert [t.regulation_update_id for t in tasks] == [update.id]
    assert tasks[0].due_on == D(2026, 7, 1)
    with clock.frozen(D(2026, 6, 11)):
        acknowledge_update(session, Actor.cli(), people["done"].id, update.id)
        acknowledge_update(session, Actor.cli(), people["done"].id, update.id)  # idempotent
    assert open_acknowledgements(session, people["done"].id) == []
    task = session.scalar(select(UpdateAcknowledgement).where(
        UpdateAcknowledgement.user_id == people["done"].id))
    assert task.acknowledged_at.date() == D(2026, 6, 11)
    with pytest.raises(UpdateError):
        acknowledge_update(session, Actor.cli(), people["none"].id, update.id)


def test_an_update_is_published_once(session, org):
    course, _ = org
    update = make_update(session, [course.active_modules[0]])
    publish_update(session, Actor.cli(), update, D(2026, 6, 10))
    with pytest.raises(UpdateError, match="already published"):
        publish_update(session, Actor.cli(), update, D(2026, 6, 11))
