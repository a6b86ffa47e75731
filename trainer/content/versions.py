"""Adding a module version: the one place where a ModuleVersion is built from a parsed file.

Both ways of publishing use it -- `trainer courses import` (files) and the admin editor
(the browser) -- so a version means the same whichever way it was made.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from trainer import audit, clock
from trainer.audit import Actor
from trainer.content.parser import ParsedModule
from trainer.models import Module, ModuleVersion


def next_version_number(module: Module | None) -> int:
    """The number the module's next version gets (1 for a module never published)."""
    if module is None or module.current_version is None:
        return 1
    return module.current_version.number + 1


def add_version(session: Session, actor: Actor, module: Module, parsed: ParsedModule, *,
                change: str, change_note: str) -> ModuleVersion:
    """Publish `parsed` as the module's next version and make it the current one.

    A module's first version records the change "first". A major change raises the module's
    major floor: completions of earlier versions stop counting and employees must take it again.
    Flushes and records `module.published`.
    """
    meta = parsed.meta
    number = next_version_number(module)
    if number == 1:
        change = "first"  # nothing earlier to be minor or major against
    version = ModuleVersion(
        module_id=module.id, number=number, title=meta.title, kind=meta.kind,
        minutes=meta.minutes, min_read_seconds=meta.min_read_seconds,
        questions_per_attempt=meta.questions_per_attempt, source=parsed.source,
        body_html=parsed.body_html(), quiz=parsed.quiz_snapshot(), content_hash=parsed.content_hash,
        change=change, change_note=change_note, published_at=clock.now(), published_by_id=actor.user_id,
    )
    session.add(version)
    session.flush()
    module.current_version = version
    if change == "major":
        module.major_floor = version.number
    session.flush()
    audit.record(session, actor, "module.published", module, course=module.course.slug, module=module.slug,
                 version=version.number, change=change, change_note=change_note)
    return version
