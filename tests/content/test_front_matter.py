"""Front matter of course.md and module files: keys, types, ranges, YAML errors, with lines."""

from __future__ import annotations

import pytest

from tests.content.builders import course_errors, has_error, lesson, module_errors, policy
from trainer.content import parse_course, parse_module


def test_course_defaults_apply_when_keys_are_absent():
    meta, intro = parse_course("---\ntitle: T\nsummary: S\naudience: everyone\n---\nHello.\n")
    assert (meta.pass_mark, meta.refresher_months, meta.due_days) == (80, 12, 30)
    assert meta.audience == "everyone"
    assert meta.regulations == []
    assert intro == "Hello.\n"


def test_a_course_must_name_its_audience():
    """No implicit "everyone": a course file without an audience is refused."""
    assert course_errors("---\ntitle: T\nsummary: S\n---\n") == [
        (1, "the front matter is missing the required key 'audience'")]


def test_course_settings_are_read():
    meta, intro = parse_course(
        "---\ntitle: T\nsummary: S\npass_mark: 100\nrefresher_months: null\ndue_days: 7\n"
        "audience:\n  departments: [Sales]\n  job_roles: [Agent, Packer]\nregulations: [GDPR]\n---\n")
    assert meta.pass_mark == 100
    assert meta.refresher_months is None  # never expires
    assert meta.due_days == 7
    assert meta.audience == {"departments": ["Sales"], "job_roles": ["Agent", "Packer"]}
    assert meta.regulations == ["GDPR"]
    assert intro == ""


def test_every_course_front_matter_problem_is_reported_with_its_line():
    errors = course_errors(
        "---\n"
        "title: 42\n"  # 2
        "pass_mark: 101\n"  # 3
        "refresher_months: 0\n"  # 4
        "due_days: soon\n"  # 5
        "audience: managers\n"  # 6
        "regulations: GDPR\n"  # 7
        "colour: blue\n"  # 8
        "---\n")
    assert has_error(errors, 1, "missing the required key 'summary'")
    assert has_error(errors, 2, "title: must be text, not 42")
    assert has_error(errors, 3, "pass_mark: must be a whole number from 0 to 100, not 101")
    assert has_error(errors, 4, "refresher_months: must be a whole number of at least 1 or null, not 0")
    assert has_error(errors, 5, "due_days: must be a whole number of at least 1, not 'soon'")
    assert has_error(errors, 6, "audience: must be 'everyone' or a mapping")
    assert has_error(errors, 7, "regulations: must be a list")
    assert has_error(errors, 8, "unknown front-matter key 'colour'")
    assert len(errors) == 8


@pytest.mark.parametrize(("value", "message"), [
    ("-1", "not -1"),
    ("true", "not True"),
    ("80.5", "not 80.5"),
    ('"80"', "not '80'"),
])
def test_pass_mark_must_be_a_whole_number_from_0_to_100(value, message):
    errors = course_errors(f"---\ntitle: T\nsummary: S\npass_mark: {value}\n---\n")
    assert has_error(errors, 4, f"pass_mark: must be a whole number from 0 to 100, {message}")


@pytest.mark.parametrize(("audience", "message"), [
    ("{}", "names no departments or job roles"),
    ("{departments: []}", "names no departments or job roles"),
    ("{teams: [A]}", "unknown key 'teams'"),
    ("{departments: Sales}", "departments must be a list"),
    ("{job_roles: [Agent, Agent]}", "job_roles lists an entry twice"),
])
def test_audience_mapping_is_checked(audience, message):
    errors = course_errors(f"---\ntitle: T\nsummary: S\naudience: {audience}\n---\n")
    assert has_error(errors, 4, message)


def test_bad_yaml_names_the_line_of_the_yaml_error():
    errors = course_errors("---\ntitle: T\nsummary: S\nregulations: [GDPR\npass_mark: 80\n---\n")
    assert errors == [(5, "the front matter is not valid YAML: while parsing a flow sequence, expected ',' "
                          "or ']', but got ':' (it started on line 4)")]


def test_yaml_cannot_build_python_objects():
    errors = course_errors("---\ntitle: !!python/object/apply:os.system [id]\nsummary: S\n---\n")
    assert len(errors) == 1
    assert errors[0][0] == 2
    assert "could not determine a constructor" in errors[0][1]


def test_control_characters_in_yaml_are_a_clean_error():
    errors = course_errors("---\ntitle: T\x07\nsummary: S\n---\n")
    assert errors == [(2, "column 9: the control character BEL (U+0007) does not belong in a course "
                          "file; remove it")]


def test_a_key_given_twice_is_an_error_on_the_second():
    errors = course_errors("---\ntitle: T\nsummary: S\ntitle: U\naudience: everyone\n---\n")
    assert errors == [(4, "'title' is given twice (first on line 2)")]


def test_front_matter_must_be_a_mapping():
    assert course_errors("---\n- a\n- b\n---\n") == [(2, "the front matter must be 'key: value' lines")]


def test_missing_front_matter_is_reported_on_line_1():
    errors = module_errors("## Hello\n\nText\n")
    assert errors[0] == (1, "the file must start with front matter: a '---' line, YAML keys, a '---' line")


def test_unclosed_front_matter_is_reported():
    errors = module_errors("---\ntitle: T\nminutes: 3\n\n## Body\n")
    assert errors == [(1, "the front matter opened here is never closed with a '---' line")]


def test_module_defaults_and_settings():
    parsed = parse_module(lesson(front="title: L\nminutes: 4\nquestions_per_attempt: 3\n"
                                       "min_read_seconds: 20\n"))
    meta = parsed.meta
    assert (meta.title, meta.minutes, meta.kind) == ("L", 4, "lesson")
    assert (meta.questions_per_attempt, meta.min_read_seconds) == (3, 20)
    assert (meta.change, meta.change_note) == ("minor", "")


def test_every_module_front_matter_problem_is_reported_with_its_line():
    errors = module_errors(lesson(front=(
        "minutes: 0\n"  # 2
        "kind: video\n"  # 3
        "min_read_seconds: -5\n"  # 4
        "change: huge\n"  # 5
        "questions_per_attempt: 0\n"  # 6
        "author: me\n"  # 7
    )))
    assert has_error(errors, 1, "missing the required key 'title'")
    assert has_error(errors, 2, "minutes: must be a whole number of at least 1, not 0")
    assert has_error(errors, 3, "kind: must be one of lesson, policy, not 'video'")
    assert has_error(errors, 4, "min_read_seconds: must be a whole number of at least 0, not -5")
    assert has_error(errors, 5, "change: must be one of minor, major, not 'huge'")
    assert has_error(errors, 6, "questions_per_attempt: must be a whole number of at least 1")
    assert has_error(errors, 7, "unknown front-matter key 'author'")


def test_minutes_is_required():
    assert module_errors(lesson(front="title: L\n")) == [
        (1, "the front matter is missing the required key 'minutes'")]


def test_title_longer_than_the_database_column_is_refused():
    errors = module_errors(lesson(front=f"title: {'x' * 201}\nminutes: 3\n"))
    assert errors == [(2, "title: must be at most 200 characters (it has 201)")]


def test_major_change_needs_a_change_note():
    errors = module_errors(lesson(front="title: L\nminutes: 3\nchange: major\n"))
    assert errors == [(4, "change: major needs a change_note saying what employees must redo and why")]
    assert module_errors(lesson(front="title: L\nminutes: 3\nchange: major\nchange_note: New law.\n")) == []


def test_questions_per_attempt_cannot_exceed_the_pool():
    errors = module_errors(lesson(front="title: L\nminutes: 3\nquestions_per_attempt: 6\n", questions=5))
    assert errors == [(4, "questions_per_attempt is 6 but the quiz has only 5 questions")]
    # Equal to the pool: every question every time. Pointless, but allowed.
    assert module_errors(lesson(front="title: L\nminutes: 3\nquestions_per_attempt: 5\n", questions=5)) == []


def test_policy_cannot_draw_questions():
    errors = module_errors(policy(front="title: P\nminutes: 3\nkind: policy\nquestions_per_attempt: 2\n"))
    assert errors == [(5, "questions_per_attempt is for lessons; a policy has no quiz")]


def test_quiz_integrity_settings_are_read_checked_and_written_only_when_not_default():
    from trainer.content.canonical import course_text

    meta, _ = parse_course("---\ntitle: T\nsummary: S\naudience: everyone\nshow_answers: never\n"
                           "attempts_before_cooldown: 5\ncooldown_minutes: 0\n---\n")
    assert (meta.show_answers, meta.attempts_before_cooldown, meta.cooldown_minutes) == ("never", 5, 0)
    written = course_text(meta, "")
    assert "show_answers: never\nattempts_before_cooldown: 5\ncooldown_minutes: 0\n---" in written
    defaults, _ = parse_course("---\ntitle: T\nsummary: S\naudience: everyone\n---\n")
    assert (defaults.show_answers, defaults.attempts_before_cooldown, defaults.cooldown_minutes) == (
        "after_passing", 3, 60)
    assert "show_answers" not in course_text(defaults, "")  # shipped files keep their text
    errors = course_errors("---\ntitle: T\nsummary: S\naudience: everyone\nshow_answers: sometimes\n"
                           "attempts_before_cooldown: 0\n---\n")
    assert [line for line, _ in errors] == [5, 6]
