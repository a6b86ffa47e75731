"""The employee pages count progress from plain rows (learning.outline, learning.dashboard);
completion, certificates and reminders from ORM rows (compliance.progress.progress_of).
Both feed the one rule, counting_completions: here they must agree, cycle by cycle, on what
counts — refreshers, major changes, regulation updates and reading ahead alike."""

from __future__ import annotations

import datetime as dt

from tests.compliance.helpers import complete_course, complete_module, current, require, sync
from tests.compliance.test_regulation_updates import make_update
from tests.factories import make_course, make_user, publish_version
from trainer import clock
from trainer.audit import Actor
from trainer.compliance.progress import progress_of
from trainer.compliance.regulation_updates import publish_update
from trainer.compliance.status import Thresholds
from trainer.learning.dashboard import dashboard
from trainer.learning.outline import course_outline

D = dt.date


def assert_paths_agree(session, user, course, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    session.commit()
    outline = course_outline(session, user.id, course.id)
    assert outline is not None
    assignment = current(session, user, course)
    orm = progress_of(session, assignment)
    assert {k: c.id for k, c in outline.progress.done.items()} == {k: c.id for k, c in orm.done.items()}
    assert [m.id for m in outline.progress.modules] == [m.id for m in orm.modules]
    [item] = [i for i in dashboard(session, user.id, today, Thresholds()).items if i.course.id == course.id]
    assert {k: c.id for k, c in item.progress.done.items()} == {k: c.id for k, c in orm.done.items()}
    assert (item.next_module.id if item.next_module else None) == (
        orm.next_module.id if orm.next_module else None)
    # The dashboard converts its assignment's columns itself (learning/dashboard.py, _ONCE):
    # the same values, of the same types, as the outline's statement gives.
    assert item.assignment == outline.assignment
    assert [type(v) for v in item.assignment] == [type(v) for v in outline.assignment]


def test_a_regulation_update_cycle_counts_the_same_on_the_pages(session):
    course = make_course(session, modules=3, refresher_months=24)
    people = {name: make_user(session, name=name) for name in ("done", "partial", "fresh")}
    require(session, course)
    sync(session, D(2026, 1, 5))
    complete_course(session, people["done"], course, D(2026, 2, 1))
    complete_module(session, people["partial"], course.active_modules[0], D(2026, 2, 1))
    complete_module(session, people["partial"], course.active_modules[1], D(2026, 2, 1))
    complete_course(session, people["fresh"], course, D(2026, 6, 3))
    update = make_update(session, [course.active_modules[1]])
    with clock.frozen(D(2026, 6, 10)):
        publish_update(session, Actor.cli(), update, D(2026, 6, 10))
        for person in people.values():
            assert_paths_agree(session, person, course, D(2026, 6, 10))
        complete_module(session, people["done"], course.active_modules[1], D(2026, 6, 10))
        assert_paths_agree(session, people["done"], course, D(2026, 6, 10))


def test_a_refresher_and_a_major_change_count_the_same_on_the_pages(session):
    course = make_course(session, modules=2, refresher_months=12)
    ada = make_user(session, name="Ada")
    require(session, course)
    sync(session, D(2026, 1, 5))
    complete_course(session, ada, course, D(2026, 1, 20))
    sync(session, D(2026, 12, 21))  # the refresher opens: old completions no longer count
    with clock.frozen(D(2026, 12, 22)):
        assert_paths_agree(session, ada, course, D(2026, 12, 22))
        complete_module(session, ada, course.active_modules[0], D(2026, 12, 22))
        assert_paths_agree(session, ada, course, D(2026, 12, 22))
        publish_version(session, course.active_modules[0], change="major", body="Rewritten.")
        assert_paths_agree(session, ada, course, D(2026, 12, 22))


def test_reading_ahead_counts_every_completion_at_or_above_the_floor(session):
    course = make_course(session, modules=2)
    ada = make_user(session, name="Ada")
    complete_module(session, ada, course.active_modules[0], D(2026, 1, 20))
    session.commit()
    outline = course_outline(session, ada.id, course.id)
    assert outline is not None and outline.assignment is None
    assert set(outline.progress.done) == {course.active_modules[0].id}
    publish_version(session, course.active_modules[0], change="major", body="Rewritten.")
    session.commit()
    outline = course_outline(session, ada.id, course.id)
    assert outline is not None and outline.progress.done == {}
