"""export_courses: the same format back, so export-then-import is a no-op."""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.content.builders import lesson, policy, write_course
from tests.content.shipped import COURSES, shipped_courses, shipped_modules
from trainer.audit import Actor
from trainer.content import ExportError, export_courses, import_courses
from trainer.models import Module


def same_tree(left: Path, right: Path) -> bool:
    """Same file names and bytes, recursively."""
    compared = filecmp.dircmp(left, right)
    if compared.left_only or compared.right_only or compared.funny_files:
        return False
    _match, mismatch, errors = filecmp.cmpfiles(left, right, compared.common_files, shallow=False)
    return not mismatch and not errors and all(same_tree(left / d, right / d) for d in compared.common_dirs)


def test_shipped_courses_export_byte_for_byte(session, tmp_path):
    import_courses(session, COURSES, Actor.cli())
    result = export_courses(session, tmp_path / "out")
    assert (result.courses, result.modules) == (len(shipped_courses()), len(shipped_modules()))
    assert same_tree(COURSES, tmp_path / "out")


def test_export_then_import_changes_nothing(session, tmp_path, sql_writes):
    write_course(tmp_path / "src", "odd-layout", {"03-a.md": lesson(), "07-b.md": policy()},
                 course_md=("---\nsummary: 'Quoted'\ntitle: Reordered   # comment\nregulations: []\n"
                            "audience: everyone\n---\n\nIntro\n"))
    import_courses(session, tmp_path / "src", Actor.cli())
    export_courses(session, tmp_path / "out")
    session.commit()
    sql_writes.clear()
    report = import_courses(session, tmp_path / "out", Actor.cli())
    assert not report.changed
    assert sql_writes == []
    assert sorted(p.name for p in (tmp_path / "out" / "odd-layout").iterdir()) == [
        "03-a.md", "07-b.md", "course.md"]
    assert (tmp_path / "out" / "odd-layout" / "course.md").read_text() == (
        "---\ntitle: Reordered\nsummary: Quoted\npass_mark: 80\nrefresher_months: 12\ndue_days: 30\n"
        "audience: everyone\nregulations: []\n---\n\nIntro\n")


def test_retired_modules_are_not_exported(session, tmp_path):
    folder = write_course(tmp_path / "src", modules={"01-a.md": lesson(), "02-b.md": lesson()})
    import_courses(session, tmp_path / "src", Actor.cli())
    (folder / "02-b.md").unlink()
    import_courses(session, tmp_path / "src", Actor.cli())
    assert session.scalar(select(Module).where(Module.slug == "b")).retired_at is not None
    export_courses(session, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out" / "test-course").iterdir()) == ["01-a.md", "course.md"]


def test_export_refuses_a_folder_that_is_not_empty(session, tmp_path):
    (tmp_path / "stale.md").write_text("old")
    with pytest.raises(ExportError, match="is not an empty folder"):
        export_courses(session, tmp_path)
    assert export_courses(session, tmp_path / "new").courses == 0
