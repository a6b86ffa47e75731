"""A module's published versions, with who published them and how many people completed each."""

from __future__ import annotations

import dataclasses

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trainer.models import Module, ModuleCompletion, ModuleVersion
from trainer.people.directory import names_of


@dataclasses.dataclass(frozen=True)
class VersionRow:
    version: ModuleVersion
    published_by: str | None  # a name; None when a course import published it
    completions: int


def version_history(session: Session, module: Module) -> list[VersionRow]:
    """Every version of the module, newest first."""
    versions = session.scalars(select(ModuleVersion).where(ModuleVersion.module_id == module.id)
                               .order_by(ModuleVersion.number.desc())).all()
    counts = dict(session.execute(
        select(ModuleCompletion.module_version_id, func.count())
        .where(ModuleCompletion.module_id == module.id)
        .group_by(ModuleCompletion.module_version_id)).all())
    names = names_of(session, (v.published_by_id for v in versions))
    return [VersionRow(v, names.get(v.published_by_id) if v.published_by_id else None, counts.get(v.id, 0))
            for v in versions]


def version_numbered(session: Session, module: Module, number: int) -> ModuleVersion | None:
    return session.scalar(select(ModuleVersion).where(ModuleVersion.module_id == module.id,
                                                      ModuleVersion.number == number))
