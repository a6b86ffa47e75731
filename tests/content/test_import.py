"""import_courses: versions, retirement, dry runs and all-or-nothing validation."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.content.builders import COURSE_MD, lesson, policy, question, write_course
from trainer import clock
from trainer.audit import Actor
from trainer.content import ValidationFailed, import_courses
from trainer.models import AuditEvent, Course, Module, ModuleVersion

NOW = dt.datetime(2025, 3, 4, 9, 30, tzinfo=dt.UTC)
LATER = dt.datetime(2025, 6, 1, 8, 0, tzinfo=dt.UTC)


def quiz_of(*texts: str) -> str:
    return "\n".join(question(n, text=text) for n, text in enumerate(texts, start=1))


FIVE = ("What is personal data?", "Who is the controller?", "What is a breach?", "When do we report?",
        "Who must know?")


def do_import(session, path, *, at=NOW, dry_run=False):  # type: ignore[no-untyped-def]
    with clock.frozen(at):
        return import_courses(session, path, Actor.cli(), dry_run=dry_run)


def module(session, slug: str) -> Module:
    return session.scalar(select(Module).where(Module.slug == slug))


def count(session, model) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(model))


def actions(session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def course_dir(tmp_path):
    return write_course(tmp_path, "privacy-basics", {
        "01-personal-data.md": lesson(front="title: Personal data\nminutes: 7\nquestions_per_attempt: 4\n",
                                      quiz=quiz_of(*FIVE)),
        "02-handling-policy.md": policy(front="title: Handling policy\nminutes: 3\nkind: policy\n"
                                              "min_read_seconds: 60\n"),
    }, course_md=("---\ntitle: Privacy basics\nsummary: The basics.\npass_mark: 70\nrefresher_months: null\n"
                  "due_days: 14\naudience:\n  departments: [Sales]\nregulations: [GDPR, CCPA]\n---\n"
                  "Why it *matters*.\n"))


def test_first_import_creates_the_course_its_modules_and_version_1(session, course_dir):
    report = do_import(session, course_dir.parent)
    assert report.module_actions() == {"privacy-basics/personal-data": "created",
                                       "privacy-basics/handling-policy": "created"}
    course = session.scalar(select(Course))
    assert (course.slug, course.title, course.summary) == ("privacy-basics", "Privacy basics", "The basics.")
    assert (course.pass_mark, course.refresher_months, course.due_days) == (70, None, 14)
    assert course.audience == {"departments": ["Sales"]}
    assert course.regulations == ["GDPR", "CCPA"]
    assert course.intro_source == "Why it *matters*.\n"
    assert course.intro_html == "<p>Why it <em>matters</em>.</p>"
    assert [(m.slug, m.position) for m in course.modules] == [("personal-data", 1), ("handling-policy", 2)]
    version = module(session, "personal-data").current_version
    assert (version.number, version.title, version.kind, version.minutes) == (1, "Personal data", "lesson", 7)
    assert (version.questions_per_attempt, version.change, version.published_at) == (4, "first", NOW)
    assert version.published_by_id is None
    assert version.source == (course_dir / "01-personal-data.md").read_text()
    assert version.body_html == '<h2 id="section-section">Section</h2>\n<p>Some text.</p>'
    assert [q["text"] for q in version.quiz] == list(FIVE)
    policy_version = module(session, "handling-policy").current_version
    assert (policy_version.kind, policy_version.min_read_seconds, policy_version.quiz) == ("policy", 60, [])
    assert actions(session) == ["module.published", "module.published", "course.imported"]


def test_importing_unchanged_files_writes_nothing(session, course_dir, sql_writes):
    do_import(session, course_dir.parent)
    session.commit()
    sql_writes.clear()
    report = do_import(session, course_dir.parent, at=LATER)
    assert set(report.module_actions().values()) == {"unchanged"}
    assert [c.action for c in report.courses] == ["unchanged"]
    assert not report.changed
    assert sql_writes == []


def test_a_changed_file_becomes_a_new_minor_version_and_the_old_one_stays(session, course_dir):
    do_import(session, course_dir.parent)
    path = course_dir / "01-personal-data.md"
    path.write_text(path.read_text().replace("Some text.", "Some clearer text."))
    report = do_import(session, course_dir.parent, at=LATER)
    assert report.module_actions()["privacy-basics/personal-data"] == "new_version"
    assert report.modules[0].describe() == "privacy-basics/personal-data: new version 2 (minor)"
    current = module(session, "personal-data").current_version
    assert (current.number, current.change, current.published_at) == (2, "minor", LATER)
    assert "Some clearer text." in current.body_html
    assert module(session, "personal-data").major_floor == 1
    first = session.scalar(select(ModuleVersion).where(ModuleVersion.number == 1,
                                                       ModuleVersion.module_id == current.module_id))
    assert "Some clearer text." not in first.source
    assert count(session, ModuleVersion) == 3


def test_a_major_change_raises_the_major_floor_and_keeps_the_note(session, course_dir):
    do_import(session, course_dir.parent)
    path = course_dir / "01-personal-data.md"
    path.write_text(path.read_text().replace(
        "minutes: 7\n", "minutes: 7\nchange: major\nchange_note: New rules on special category data.\n"))
    report = do_import(session, course_dir.parent, at=LATER)
    assert report.modules[0].describe() == "privacy-basics/personal-data: new version 2 (major)"
    personal = module(session, "personal-data")
    assert personal.major_floor == 2
    assert (personal.current_version.change, personal.current_version.change_note) == (
        "major", "New rules on special category data.")
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "module.published")
                           .order_by(AuditEvent.id.desc()))
    assert event.details["version"] == 2
    assert event.details["change"] == "major"


def test_question_ids_survive_a_wording_change_in_another_question(session, course_dir):
    do_import(session, course_dir.parent)
    before = module(session, "personal-data").current_version.quiz
    path = course_dir / "01-personal-data.md"
    path.write_text(path.read_text().replace("Who is the controller?", "Who decides why data is used?"))
    do_import(session, course_dir.parent, at=LATER)
    after = module(session, "personal-data").current_version.quiz
    assert after[0]["id"] == before[0]["id"]
    assert [q["id"] for q in after][2:] == [q["id"] for q in before][2:]
    assert after[1]["id"] != before[1]["id"]
    assert after[0]["choices"] == before[0]["choices"]


def test_a_module_whose_file_disappeared_is_retired_not_deleted(session, course_dir):
    do_import(session, course_dir.parent)
    (course_dir / "02-handling-policy.md").unlink()
    report = do_import(session, course_dir.parent, at=LATER)
    assert report.module_actions()["privacy-basics/handling-policy"] == "retired"
    retired = module(session, "handling-policy")
    assert retired.retired_at == LATER
    assert retired.current_version.number == 1
    assert [m.slug for m in session.scalar(select(Course)).active_modules] == ["personal-data"]
    assert "module.retired" in actions(session)
    again = do_import(session, course_dir.parent, at=LATER)
    assert "privacy-basics/handling-policy" not in again.module_actions()


def test_a_retired_module_whose_file_returns_is_restored(session, course_dir):
    do_import(session, course_dir.parent)
    text = (course_dir / "02-handling-policy.md").read_text()
    (course_dir / "02-handling-policy.md").unlink()
    do_import(session, course_dir.parent)
    (course_dir / "02-handling-policy.md").write_text(text)
    report = do_import(session, course_dir.parent, at=LATER)
    assert report.module_actions()["privacy-basics/handling-policy"] == "restored"
    restored = module(session, "handling-policy")
    assert restored.retired_at is None
    assert restored.current_version.number == 1


def test_renumbering_a_file_moves_the_module_without_a_new_version(session, course_dir):
    do_import(session, course_dir.parent)
    (course_dir / "02-handling-policy.md").rename(course_dir / "00-handling-policy.md")
    report = do_import(session, course_dir.parent, at=LATER)
    assert report.module_actions()["privacy-basics/handling-policy"] == "moved"
    assert module(session, "handling-policy").position == 0
    assert module(session, "handling-policy").current_version.number == 1
    assert [m.slug for m in session.scalar(select(Course)).modules] == ["handling-policy", "personal-data"]


def test_a_new_file_in_an_existing_course_is_created(session, course_dir):
    do_import(session, course_dir.parent)
    (course_dir / "03-more.md").write_text(lesson())
    report = do_import(session, course_dir.parent, at=LATER)
    assert report.module_actions()["privacy-basics/more"] == "created"
    assert [c.action for c in report.courses] == ["unchanged"]


def test_course_settings_update_only_when_their_content_changes(session, course_dir):
    do_import(session, course_dir.parent)
    course_md = course_dir / "course.md"
    # Layout only: a comment and another quoting style. Nothing to update.
    layout_only = course_md.read_text().replace("title: Privacy basics", "title: 'Privacy basics'  # hi")
    course_md.write_text(layout_only)
    assert [c.action for c in do_import(session, course_dir.parent).courses] == ["unchanged"]
    course_md.write_text(course_md.read_text().replace("pass_mark: 70", "pass_mark: 90"))
    report = do_import(session, course_dir.parent)
    assert [c.action for c in report.courses] == ["updated"]
    assert session.scalar(select(Course)).pass_mark == 90
    assert actions(session)[-1] == "course.imported"


def test_dry_run_reports_but_writes_nothing(session, course_dir, sql_writes):
    report = do_import(session, course_dir.parent, dry_run=True)
    assert report.dry_run
    assert set(report.module_actions().values()) == {"created"}
    assert report.summary().startswith("Dry run, nothing saved: 1 course(s) (1 created); 2 module(s)")
    assert sql_writes == []
    assert count(session, Course) == 0


def test_dry_run_of_a_change_names_the_version_it_would_publish(session, course_dir, sql_writes):
    do_import(session, course_dir.parent)
    session.commit()
    sql_writes.clear()
    path = course_dir / "01-personal-data.md"
    path.write_text(path.read_text().replace("Some text.", "Other text."))
    report = do_import(session, course_dir.parent, dry_run=True)
    assert report.modules[0].describe() == "privacy-basics/personal-data: new version 2 (minor)"
    assert sql_writes == []
    assert module(session, "personal-data").current_version.number == 1


def test_a_validation_error_in_any_file_imports_nothing(session, tmp_path):
    write_course(tmp_path, "good-course")
    broken = write_course(tmp_path, "broken-course", {"01-bad.md": lesson(front="title: Bad\n")})
    with pytest.raises(ValidationFailed) as failed:
        do_import(session, tmp_path)
    assert [str(e) for e in failed.value.errors] == [
        f"{broken / '01-bad.md'}:1: the front matter is missing the required key 'minutes'"]
    assert count(session, Course) == 0
    assert count(session, AuditEvent) == 0


def test_a_single_course_folder_can_be_imported(session, tmp_path):
    folder = write_course(tmp_path, "only-one", course_md=COURSE_MD)
    report = do_import(session, folder)
    assert [c.slug for c in report.courses] == ["only-one"]


def test_the_actor_is_recorded_as_publisher(session, course_dir):
    from tests.factories import make_user

    admin = make_user(session, roles=("admin",))
    with clock.frozen(NOW):
        import_courses(session, course_dir, Actor(label=admin.email, user_id=admin.id))
    assert module(session, "personal-data").current_version.published_by_id == admin.id
    assert {e.actor_id for e in session.scalars(select(AuditEvent))} == {admin.id}
