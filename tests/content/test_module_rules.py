"""Rules tying a module's front matter, body and quiz together."""

from __future__ import annotations

from tests.content.builders import has_error, lesson, module_errors, policy, question
from trainer.content import content_hash, normalise_source, parse_module


def test_a_valid_lesson_parses_into_body_and_questions():
    parsed = parse_module(lesson(questions=5))
    assert parsed.body == "## Section\n\nSome text.\n"
    assert len(parsed.questions) == 5
    assert parsed.body_html() == '<h2 id="section-section">Section</h2>\n<p>Some text.</p>'


def test_lesson_without_a_quiz():
    errors = module_errors("---\ntitle: L\nminutes: 3\nkind: lesson\n---\n## Text\n\nHello.\n")
    assert errors == [(4, "a lesson needs a quiz: a '## Quiz' line and questions")]


def test_lesson_with_an_empty_quiz():
    errors = module_errors("---\ntitle: L\nminutes: 3\n---\n## Text\n\nHello.\n\n## Quiz\n\n")
    assert errors == [(9, "the quiz has no questions; a question starts with '### '")]


def test_policy_without_a_quiz_is_valid():
    parsed = parse_module(policy())
    assert parsed.meta.kind == "policy"
    assert parsed.questions == []
    assert parsed.quiz_snapshot() == []


def test_policy_with_a_quiz():
    errors = module_errors(policy(body="## Rules\n\nText.\n\n## Quiz\n\n" + question(1)))
    assert errors == [(10, "a policy has no quiz (it is acknowledged); remove this section")]


def test_empty_module_body():
    errors = module_errors(lesson(front="title: L\nminutes: 3\n", body="\n\n"))
    assert errors == [(4 + 1, "the module has no text; write the lesson or policy in Markdown here")]


def test_h1_headings_are_refused_with_their_line():
    errors = module_errors(lesson(body="# Big title\n\nText.\n\nSub\n===\n"))
    assert errors == [
        (5, "a level-1 heading ('# '); the title comes from the front matter, so sections start at '## '"),
        (9, "a level-1 heading (text underlined with '==='); sections start at '## '"),
    ]


def test_hash_lines_inside_code_fences_are_not_headings_or_quizzes():
    body = "## Shell\n\n```bash\n# a comment\n## Quiz\n```\n"
    parsed = parse_module(lesson(body=body))
    assert "# a comment" in parsed.body
    assert '<code class="language-bash"># a comment\n## Quiz</code>' in parsed.body_html()


def test_admonition_types_are_checked():
    errors = module_errors(lesson(body='## A\n\n!!! tipp "Typo"\n    Text.\n\n!!! tip evil "X"\n    Text.\n'))
    message = ("a malformed admonition; write '!!! type \"Title\"' with type one of "
               "note, tip, info, warning, danger")
    assert errors == [(7, message), (10, message)]
    valid = '## A\n\n!!! warning "Careful"\n    Text.\n\n!!! note\n    Text.\n'
    assert module_errors(lesson(body=valid)) == []


def test_every_problem_in_a_file_is_reported():
    text = ("---\ntitle: L\nminutes: none\n---\n# Title\n\nText.\n\n## Quiz\n\n"
            "### Q?\n- [ ] a\n- [ ] b\n> Why.\n")
    errors = module_errors(text)
    assert has_error(errors, 3, "minutes: must be a whole number")
    assert has_error(errors, 5, "a level-1 heading")
    assert has_error(errors, 11, "without a correct answer")
    assert len(errors) == 3


def test_normalisation_drops_bom_and_carriage_returns_and_keeps_one_final_newline():
    text = "\ufeff---\r\ntitle: L\r\nminutes: 3\rkind: policy\r\n---\r\nText.\r\n\r\n\r\n"
    assert normalise_source(text) == "---\ntitle: L\nminutes: 3\nkind: policy\n---\nText.\n"
    assert content_hash(text) == content_hash("---\ntitle: L\nminutes: 3\nkind: policy\n---\nText.")
    assert parse_module(text).source == normalise_source(text)


def test_content_hash_changes_with_any_visible_change():
    assert content_hash(lesson()) != content_hash(lesson(body="## Section\n\nSome text!\n"))
