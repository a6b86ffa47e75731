"""Course files and web edits live together: an import never reverts a web edit (issue 15.1)."""

from __future__ import annotations

from sqlalchemy import select

from tests.content.builders import COURSE_MD, lesson, write_course
from tests.factories import make_user
from trainer import clock
from trainer.audit import Actor
from trainer.compliance.publishing import ModuleEdit, publish_content
from trainer.content.authoring import Publication, stamp
from trainer.content.course_settings import write_course as save_course_settings
from trainer.content.meta import CourseMeta
from trainer.models import Course, Module

FIRST = lesson(front="title: First\nminutes: 5\n", body="## Section\n\nReport at once.\n")
SECOND = lesson(front="title: Second\nminutes: 5\n", body="## Section\n\nKeep records.\n")


def import_cli(runner, path, *options: str):
    return runner.invoke(args=["courses", "import", *options, str(path)])


def module(session, slug: str) -> Module:
    session.expire_all()
    return session.scalar(select(Module).where(Module.slug == slug))


def publish_in_editor(session, slug: str, old: str, new: str, change: str = "major"):
    """An admin publishes an edit of the module's text in the web editor."""
    admin = make_user(session, name="Ada Admin", roles=("admin",))
    target = module(session, slug)
    request = Publication(source=target.current_version.source.replace(old, new),
                          base_version_id=target.current_version_id, draft_stamp=stamp(None),
                          change=change, change_note="Within one hour." if change == "major" else "")
    publish_content(session, Actor.user(admin.id), clock.today(), ModuleEdit(target, request))
    session.commit()
    return admin


def imported(runner, tmp_path, modules=None):
    root = tmp_path / "courses"
    write_course(root, modules=modules or {"01-first.md": FIRST, "02-second.md": SECOND})
    result = import_cli(runner, root)
    assert result.exit_code == 0, result.output
    return root


def test_an_unchanged_file_leaves_a_web_edit_current(runner, session, tmp_path):
    root = imported(runner, tmp_path)
    publish_in_editor(session, "first", "at once", "within one hour")
    result = import_cli(runner, root)  # what re-running `make run` does
    assert result.exit_code == 0, result.output
    first = module(session, "first")
    assert first.current_version.number == 2 and "within one hour" in first.current_version.source
    assert "2 unchanged" in result.output


def test_a_file_changed_after_a_web_edit_is_a_conflict_and_the_rest_is_imported(runner, session, tmp_path):
    root = imported(runner, tmp_path)
    publish_in_editor(session, "first", "at once", "within one hour")
    (root / "test-course" / "01-first.md").write_text(FIRST.replace("at once", "by phone"))
    (root / "test-course" / "02-second.md").write_text(SECOND.replace("Keep records", "Keep all records"))
    result = import_cli(runner, root)
    assert result.exit_code == 1
    today = clock.today()
    assert (f"{root}/test-course/01-first.md: edited on the web since the last import (version 2 by Ada "
            f"Admin on {today:%d %b %Y}); export first or use --prefer-files") in result.output
    assert module(session, "first").current_version.number == 2  # nothing imported for it
    assert "Keep all records" in module(session, "second").current_version.source  # the rest was


def test_prefer_files_imports_the_file_over_the_web_edit(runner, session, tmp_path):
    root = imported(runner, tmp_path)
    publish_in_editor(session, "first", "at once", "within one hour")
    (root / "test-course" / "01-first.md").write_text(FIRST.replace("at once", "by phone"))
    result = import_cli(runner, root, "--prefer-files")
    assert result.exit_code == 0, result.output
    first = module(session, "first")
    assert first.current_version.number == 3 and "by phone" in first.current_version.source


def test_export_update_brings_web_edits_into_the_files_then_file_edits_import(runner, session, tmp_path):
    root = imported(runner, tmp_path)
    publish_in_editor(session, "first", "at once", "within one hour")
    (root / "test-course" / "03-stale.md").write_text(SECOND)  # e.g. a file the database no longer has
    refused = runner.invoke(args=["courses", "export", str(root)])
    assert refused.exit_code != 0 and "--update" in refused.output
    exported = runner.invoke(args=["courses", "export", "--update", str(root)])
    assert exported.exit_code == 0, exported.output
    assert f"removed {root}/test-course/03-stale.md" in exported.output
    assert "within one hour" in (root / "test-course" / "01-first.md").read_text()
    again = import_cli(runner, root)
    assert again.exit_code == 0 and "2 unchanged" in again.output
    path = root / "test-course" / "01-first.md"
    path.write_text(path.read_text().replace("within one hour", "within thirty minutes")
                    .replace("change: major", "change: minor"))
    edited = import_cli(runner, root)
    assert edited.exit_code == 0, edited.output
    assert module(session, "first").current_version.number == 3


def test_course_settings_saved_in_the_web_survive_an_unchanged_course_file(runner, session, tmp_path):
    root = imported(runner, tmp_path)
    course = session.scalar(select(Course))
    meta = CourseMeta(title="Renamed in the web", summary=course.summary, pass_mark=90,
                      refresher_months=course.refresher_months, due_days=course.due_days,
                      audience=course.audience, regulations=list(course.regulations))
    save_course_settings(session, course, course.slug, meta, course.intro_source)
    session.commit()
    assert import_cli(runner, root).exit_code == 0
    session.expire_all()
    assert session.scalar(select(Course.pass_mark)) == 90
    (root / "test-course" / "course.md").write_text(COURSE_MD.replace("A course for tests.", "Changed."))
    result = import_cli(runner, root)
    assert result.exit_code == 1
    assert "course.md: settings edited on the web since the last import" in result.output
    session.expire_all()
    assert session.scalar(select(Course.pass_mark)) == 90


def test_a_module_made_in_the_web_is_not_retired_by_an_import(runner, session, tmp_path):
    root = imported(runner, tmp_path, {"01-first.md": FIRST})
    course = session.scalar(select(Course))
    web_made = Module(course=course, slug="web-made", position=5)
    session.add(web_made)
    session.flush()
    from trainer.content import parse_module
    from trainer.content.versions import add_version

    add_version(session, Actor.cli(), web_made, parse_module(SECOND, "x.md"), change="minor", change_note="")
    session.commit()
    result = import_cli(runner, root)
    assert result.exit_code == 0, result.output
    assert module(session, "web-made").retired_at is None


def test_a_deleted_file_still_retires_its_module(runner, session, tmp_path):
    root = imported(runner, tmp_path)
    (root / "test-course" / "02-second.md").unlink()
    assert import_cli(runner, root).exit_code == 0
    assert module(session, "second").retired_at is not None
