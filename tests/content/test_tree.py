"""Course folders: file names, numbering, missing files, every error of every file at once."""

from __future__ import annotations

import pytest

from tests.content.builders import lesson, policy, write_course
from trainer.content import ValidationFailed, load_courses, validate_courses


def errors_under(path) -> list[str]:
    _courses, errors = validate_courses(path)
    return [str(error) for error in errors]


def test_a_folder_of_courses_and_a_single_course_folder_both_load(tmp_path):
    write_course(tmp_path, "alpha", {"01-one.md": lesson(), "02-two.md": policy()})
    write_course(tmp_path, "beta")
    courses = load_courses(tmp_path)
    assert [c.slug for c in courses] == ["alpha", "beta"]
    assert [(m.number, m.slug) for m in courses[0].modules] == [(1, "one"), (2, "two")]
    single = load_courses(tmp_path / "alpha")
    assert [c.slug for c in single] == ["alpha"]


def test_modules_are_ordered_by_their_number(tmp_path):
    write_course(tmp_path, modules={"10-last.md": lesson(), "02-first.md": lesson(), "05-mid.md": lesson()})
    assert [m.slug for m in load_courses(tmp_path)[0].modules] == ["first", "mid", "last"]


@pytest.mark.parametrize("name", ["1-intro.md", "01_intro.md", "01-Intro.md", "01-intro--x.md",
                                  "intro.md", "001-intro.md", "01-.md", "01-intro-.md"])
def test_bad_module_file_names(tmp_path, name):
    folder = write_course(tmp_path, modules={name: lesson()})
    assert errors_under(tmp_path) == [
        f"{folder / name}: a module file is named NN-slug.md: two digits, a hyphen, then lower-case "
        "letters, digits and single hyphens (e.g. 01-lawful-bases.md)"]


def test_duplicate_numbers_and_slugs_in_a_course(tmp_path):
    folder = write_course(tmp_path, modules={"01-a.md": lesson(), "01-b.md": lesson(), "02-a.md": lesson()})
    assert errors_under(tmp_path) == [
        f"{folder / '01-b.md'}: number 01 is also used by 01-a.md",
        f"{folder / '02-a.md'}: module slug 'a' is also used by 01-a.md",
    ]


def test_missing_course_md(tmp_path):
    (tmp_path / "orphan").mkdir()
    (tmp_path / "orphan" / "01-a.md").write_text(lesson())
    assert errors_under(tmp_path) == [f"{tmp_path / 'orphan' / 'course.md'}: missing: every course folder "
                                      "needs a course.md"]


def test_bad_course_folder_name(tmp_path):
    write_course(tmp_path, "Bad_Name")
    assert errors_under(tmp_path) == [f"{tmp_path / 'Bad_Name'}: 'Bad_Name' is not a valid course slug: use "
                                      "lower-case letters, digits and single hyphens, at most 80 characters"]


def test_missing_folder_and_empty_folder(tmp_path):
    assert errors_under(tmp_path / "nope") == [f"{tmp_path / 'nope'}: no such folder"]
    assert errors_under(tmp_path) == [f"{tmp_path}: no course folders here (each needs a course.md)"]


def test_file_that_is_not_utf8_names_the_line(tmp_path):
    folder = write_course(tmp_path)
    (folder / "02-latin.md").write_bytes(b"---\ntitle: Caf\xe9\nminutes: 3\n---\n")
    assert errors_under(tmp_path) == [
        f"{folder / '02-latin.md'}:2: is not UTF-8 text; save the file as UTF-8"]


def test_errors_of_every_file_in_every_course_are_reported_together(tmp_path):
    write_course(tmp_path, "alpha", {"01-a.md": lesson(front="title: A\n")},
                 course_md="---\ntitle: Alpha\naudience: everyone\n---\n")
    write_course(tmp_path, "beta", {"01-b.md": lesson(front="title: B\nminutes: x\n"), "02-c.md": lesson()})
    with pytest.raises(ValidationFailed) as failed:
        load_courses(tmp_path)
    assert [str(error) for error in failed.value.errors] == [
        f"{tmp_path / 'alpha' / 'course.md'}:1: the front matter is missing the required key 'summary'",
        f"{tmp_path / 'alpha' / '01-a.md'}:1: the front matter is missing the required key 'minutes'",
        f"{tmp_path / 'beta' / '01-b.md'}:3: minutes: must be a whole number of at least 1, not 'x'",
    ]


def test_other_files_and_hidden_folders_are_ignored(tmp_path):
    folder = write_course(tmp_path)
    (folder / "notes.txt").write_text("not a module")
    (tmp_path / ".git").mkdir()
    assert [c.slug for c in load_courses(tmp_path)] == ["test-course"]
