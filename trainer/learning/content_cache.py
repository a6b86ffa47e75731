"""Published module content, kept per process: a version never changes once published.

A ModuleVersion row is immutable (evidence points at it; a change is a new version with a
new id), so what the employee pages show of it — title, kind, reading time, the rendered
HTML, the quiz snapshot — is read from the database once per process and then served from
here. The key is the version's id *and* its content hash: a new version is a new key, so a
publish shows at once, and a database restored under a running process (where an id could
come back with other content) cannot be answered from memory. Drafts are not versions and
never come here (the editor's preview renders the draft itself).

Bounded (least recently used out first), so a long-lived worker's memory stays flat
however many versions it has seen.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from trainer.models import ModuleVersion

# A course has a handful of modules and an organisation a few dozen courses; a few hundred
# versions cover every current one with room for old versions still in quiz attempts.
MAX_VERSIONS = 512


@dataclasses.dataclass(frozen=True, slots=True)
class VersionContent:
    """What the employee pages read of a published module version. Shared between requests:
    read only (the quiz snapshot included)."""

    id: int
    module_id: int
    number: int
    content_hash: str
    title: str
    kind: str  # lesson | policy
    minutes: int
    min_read_seconds: int
    questions_per_attempt: int | None
    body_html: str
    quiz: Sequence[Mapping[str, Any]]

    @property
    def question_count(self) -> int:
        return len(self.quiz)


Key = tuple[int, str]  # (version id, content hash)

_CONTENT = (
    select(ModuleVersion.id, ModuleVersion.module_id, ModuleVersion.number, ModuleVersion.content_hash,
           ModuleVersion.title, ModuleVersion.kind, ModuleVersion.minutes, ModuleVersion.min_read_seconds,
           ModuleVersion.questions_per_attempt, ModuleVersion.body_html, ModuleVersion.quiz)
    .where(ModuleVersion.id.in_(bindparam("ids", expanding=True)))
)


class VersionCache:
    """A bounded LRU of VersionContent by (id, content hash), safe across threads."""

    def __init__(self, max_versions: int = MAX_VERSIONS) -> None:
        self.max_versions = max_versions
        self._items: OrderedDict[Key, VersionContent] = OrderedDict()
        self._lock = threading.Lock()

    def contents(self, session: Session, keys: Iterable[Key]) -> dict[int, VersionContent]:
        """The content of these versions by id: from memory, the missing ones in one query."""
        found: dict[int, VersionContent] = {}
        missing: list[Key] = []
        with self._lock:
            for key in keys:
                content = self._items.get(key)
                if content is None:
                    missing.append(key)
                else:
                    self._items.move_to_end(key)
                    found[key[0]] = content
        if missing:
            found.update(self._load(session, missing))
        return found

    def _load(self, session: Session, keys: list[Key]) -> dict[int, VersionContent]:
        wanted = dict(keys)
        rows = session.execute(_CONTENT, {"ids": sorted(wanted)})
        loaded = {row.id: VersionContent(*row) for row in rows}
        with self._lock:
            for version_id, content in loaded.items():
                # Only under the hash the caller saw: a row whose hash differs is not the
                # content that key stands for (the caller read another state of the database).
                if content.content_hash == wanted[version_id]:
                    self._items[(version_id, content.content_hash)] = content
            while len(self._items) > self.max_versions:
                self._items.popitem(last=False)
        return loaded

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


# The process's cache (each gunicorn worker has its own).
versions = VersionCache()
