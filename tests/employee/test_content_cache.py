"""The per-process cache of published module content (issue 20.3): keyed by version id and
content hash, bounded, and asked only for what it does not hold."""

from __future__ import annotations

from sqlalchemy import update

from tests.factories import make_course
from trainer.learning.content_cache import VersionCache
from trainer.models import ModuleVersion


def keys_of(course) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    return [(m.current_version.id, m.current_version.content_hash) for m in course.active_modules]


def test_content_is_read_once_then_served_from_memory(session, statements):
    course = make_course(session, modules=2, kinds=("lesson", "policy"))
    session.commit()
    keys = keys_of(course)
    cache = VersionCache()
    statements.clear()
    first = cache.contents(session, keys)
    assert len(statements) == 1  # every missing version in one query
    lesson, policy = (first[key[0]] for key in keys)
    assert (lesson.body_html, lesson.question_count, policy.kind) == ("<p>Module text.</p>", 3, "policy")
    statements.clear()
    again = cache.contents(session, keys)
    assert statements == [] and again == first


def test_the_cache_keeps_the_most_recently_used_versions_up_to_its_bound(session, statements):
    course = make_course(session, modules=3)
    session.commit()
    first, second, third = keys_of(course)
    cache = VersionCache(max_versions=2)
    cache.contents(session, [first, second])
    cache.contents(session, [first])  # used again: second is now the oldest
    cache.contents(session, [third])
    assert len(cache) == 2
    statements.clear()
    cache.contents(session, [first, third])
    assert statements == []
    cache.contents(session, [second])  # dropped: read again
    assert len(statements) == 1 and len(cache) == 2


def test_a_version_whose_content_hash_differs_is_read_again(session):
    """An id alone could come back with other content (a database restored under a running
    worker): the content hash is part of the key."""
    course = make_course(session, modules=1)
    session.commit()
    [key] = keys_of(course)
    cache = VersionCache()
    assert cache.contents(session, [key])[key[0]].body_html == "<p>Module text.</p>"
    session.execute(update(ModuleVersion).where(ModuleVersion.id == key[0])
                    .values(body_html="<p>Restored.</p>", content_hash="f" * 64))
    session.commit()
    assert cache.contents(session, [(key[0], "f" * 64)])[key[0]].body_html == "<p>Restored.</p>"
    assert len(cache) == 2  # each key its own entry (the old one ages out)
