"""The module editor's operations: check, save a draft, publish, discard.

The editor edits a module's whole file (front matter, Markdown, `## Quiz`), exactly as in
courses/. A module has at most one draft, which employees never see. Editing is optimistic:
the author's form carries the version they started from and the draft they loaded, and
saving or publishing on top of anything someone changed meanwhile is refused (EditConflict),
so nobody's work is silently overwritten.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trainer import audit, clock
from trainer.audit import Actor
from trainer.content.errors import ContentError, Problems, ValidationFailed
from trainer.content.frontmatter import parse_document
from trainer.content.parser import ParsedModule, normalise_source, parse_module
from trainer.content.quality import QualityWarning, module_warnings
from trainer.content.versions import add_version
from trainer.models import Module, ModuleDraft, ModuleVersion

CHANGES = ("minor", "major")
FIRST = "first"  # what a module's first version records instead of minor or major
NOTE_MAX = 2000
_CHANGE_KEY = re.compile(r"^change\s*:")


class AuthoringError(ValueError):
    """The request cannot be carried out as asked (not about the text); the message says why."""


@dataclasses.dataclass(eq=False)
class EditConflict(Exception):
    """Someone published a version or saved the draft after this author started editing."""

    message: str
    base: ModuleVersion | None = None  # the version the author started from
    current: ModuleVersion | None = None  # the version published meanwhile, if any
    draft: ModuleDraft | None = None  # the draft saved meanwhile, if that is the conflict

    def __str__(self) -> str:
        return self.message


@dataclasses.dataclass(frozen=True)
class EditorState:
    """What the editor opens with: the text, and the markers that detect concurrent edits."""

    source: str
    base_version_id: int | None
    draft_stamp: str
    draft: ModuleDraft | None


@dataclasses.dataclass(frozen=True)
class Checked:
    """A module text as the parser sees it: parsed (with its quality warnings), or every problem."""

    parsed: ParsedModule | None
    errors: list[ContentError]
    warnings: list[QualityWarning] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class ModulePreview:
    """A parsed module rendered as a version would be (same attribute names as ModuleVersion)."""

    title: str
    minutes: int
    kind: str
    questions_per_attempt: int | None
    body_html: str
    quiz: list[dict[str, Any]]


def preview_of(parsed: ParsedModule) -> ModulePreview:
    """Render the module through the pipeline publishing uses (sanitised HTML, quiz snapshot)."""
    meta = parsed.meta
    return ModulePreview(meta.title, meta.minutes, meta.kind, meta.questions_per_attempt,
                         parsed.body_html(), parsed.quiz_snapshot())


def check_source(source: str) -> Checked:
    """Parse the text as a module file, with its quiz-quality warnings; never raises for any text."""
    try:
        parsed = parse_module(source, "module")
    except ValidationFailed as failed:
        return Checked(None, failed.errors)
    return Checked(parsed, [], module_warnings(parsed, "module"))


def starter_source(title: str) -> str:
    """A valid module file to start a new module from."""
    return (f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\nminutes: 5\n---\n"
            "## What this is about\n\nWrite the lesson here, in Markdown.\n\n## Quiz\n\n"
            "### A question about the lesson?\n- [x] The right answer\n- [ ] A wrong answer\n"
            "> Why the right answer is right.\n")


def working_title(module: Module, draft: ModuleDraft | None) -> str:
    """What the admin pages call a module: its live title, else its draft's, else its slug."""
    if module.current_version is not None:
        return module.current_version.title
    if draft is not None:
        title = parse_document(draft.source, Problems("draft")).values.get("title")
        if isinstance(title, str) and title.strip():
            return title.strip()
    return module.slug


def draft_of(session: Session, module: Module) -> ModuleDraft | None:
    return session.scalar(select(ModuleDraft).where(ModuleDraft.module_id == module.id))


def stamp(draft: ModuleDraft | None) -> str:
    """Identifies one saved state of the draft ("" for no draft)."""
    return f"{draft.id}@{draft.updated_at.isoformat()}" if draft is not None else ""


def editor_state(session: Session, module: Module) -> EditorState:
    """The draft when there is one, else the current version's text."""
    draft = draft_of(session, module)
    if draft is not None:
        return EditorState(draft.source, draft.base_version_id, stamp(draft), draft)
    current = module.current_version
    return EditorState(current.source if current else "", module.current_version_id, "", None)


def check_not_stale(session: Session, module: Module, base_version_id: int | None, draft_stamp: str) -> None:
    """Raise EditConflict if a version was published or the draft saved since the author began.

    The module's row is locked first (PostgreSQL), so of two publishes at the same moment the
    second waits for the first and then sees it as a conflict instead of failing.
    """
    session.execute(select(Module.id).where(Module.id == module.id).with_for_update())
    session.refresh(module)
    if base_version_id != module.current_version_id:
        base = session.get(ModuleVersion, base_version_id) if base_version_id else None
        current = module.current_version
        number = current.number if current else "?"
        raise EditConflict(
            f"Version {number} was published while you were editing. Nothing was saved. Their change "
            "is shown below; your text is still in the editor.", base=base, current=current)
    draft = draft_of(session, module)
    if stamp(draft) != draft_stamp:
        raise EditConflict(
            "The draft was changed while you were editing (saved or discarded, perhaps in another "
            "window). Nothing was saved. The other draft is compared with your text below.", draft=draft)


def save_draft(session: Session, actor: Actor, module: Module, source: str, base_version_id: int | None,
               draft_stamp: str) -> ModuleDraft:
    """Keep the text as the module's draft (problems allowed: a draft is work in progress)."""
    check_not_stale(session, module, base_version_id, draft_stamp)
    draft = draft_of(session, module) or ModuleDraft(module_id=module.id)
    draft.source = normalise_source(source)
    draft.base_version_id = base_version_id
    draft.updated_at = clock.now()
    draft.updated_by_id = actor.user_id
    session.add(draft)
    session.flush()
    audit.record(session, actor, "module.draft_saved", module, course=module.course.slug,
                 module=module.slug, base_version_id=base_version_id)
    return draft


def discard_draft(session: Session, actor: Actor, module: Module, draft_stamp: str) -> None:
    """Throw the draft away (only the one the author saw, not a newer one)."""
    draft = draft_of(session, module)
    if draft is None:
        return
    if stamp(draft) != draft_stamp:
        raise EditConflict("The draft was changed after you opened it; reload the editor first.", draft=draft)
    session.delete(draft)
    session.flush()
    audit.record(session, actor, "module.draft_discarded", module, course=module.course.slug,
                 module=module.slug)


@dataclasses.dataclass(frozen=True)
class Publication:
    """What the author asks to publish."""

    source: str
    base_version_id: int | None
    draft_stamp: str
    change: str
    change_note: str


def publish(session: Session, actor: Actor, module: Module, request: Publication) -> ModuleVersion:
    """Publish the text as the module's next version and drop the draft.

    Raises EditConflict (someone else changed it), ValidationFailed (the text has problems,
    with lines) or AuthoringError (change and note). The caller then applies the
    compliance follow-up (major versions reopen training) and commits.
    """
    check_not_stale(session, module, request.base_version_id, request.draft_stamp)
    note = request.change_note.strip()
    # A first publication is neither minor nor major: there is nothing earlier to compare with.
    change = request.change if module.current_version is not None else FIRST
    parsed = _publishable(module, request.source, change, note)
    version = add_version(session, actor, module, parsed, change=change, change_note=note)
    draft = draft_of(session, module)
    if draft is not None:
        session.delete(draft)
        session.flush()
    return version


def _publishable(module: Module, source: str, change: str, note: str) -> ParsedModule:
    if change not in CHANGES and change != FIRST:
        raise AuthoringError("Choose a minor or a major change.")
    if change == "major" and not note:
        raise AuthoringError("A major change needs a note saying what changed and why; employees "
                             "asked to take the module again see it.")
    if len(note) > NOTE_MAX:
        raise AuthoringError(f"The change note may have at most {NOTE_MAX} characters.")
    checked = check_source(source)
    if checked.parsed is None:
        raise ValidationFailed(checked.errors)
    parsed = checked.parsed
    if parsed.meta.change == "major" and change == "minor":
        # The file would import as major; publishing it as minor would make the next edit major.
        raise ValidationFailed([ContentError("module", _change_line(parsed.source),
                                             "the front matter says 'change: major': publish as a "
                                             "major change, or remove the change and change_note lines")])
    current = module.current_version
    if current is not None and current.content_hash == parsed.content_hash:
        raise AuthoringError(f"This text is the same as version {current.number}: nothing to publish.")
    return parsed


def _change_line(source: str) -> int:
    for number, line in enumerate(source.split("\n"), start=1):
        if _CHANGE_KEY.match(line):
            return number
    return 1
