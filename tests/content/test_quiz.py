"""The quiz grammar, its errors (with lines) and the snapshot stored on a version."""

from __future__ import annotations

from tests.content.builders import has_error, lesson, module_errors, question
from trainer.content import parse_module
from trainer.content.quiz import stable_id, stable_ids

FRONT = "title: L\nminutes: 5\n"
# lesson(quiz=...) puts the first quiz line on line 11.
Q = 11


def quiz_errors(quiz: str) -> list[tuple[int, str]]:
    return module_errors(lesson(front=FRONT, quiz=quiz))


def snapshot_of(quiz: str) -> list[dict]:
    return parse_module(lesson(front=FRONT, quiz=quiz)).quiz_snapshot()


def test_single_choice_question_with_detail_and_explanation():
    quiz = snapshot_of(
        "### How soon must a breach be reported to the authority?\n"
        "A laptop with customer data was stolen on *Monday*.\n"
        "\n"
        "- [ ] Within 24 hours\n"
        "- [x] Within 72 hours of becoming aware of it\n"
        "- [ ] Within 30 days\n"
        "> GDPR Article 33(1): without undue delay and, where feasible,\n"
        "> not later than **72 hours**.\n")
    assert len(quiz) == 1
    question = quiz[0]
    assert set(question) == {"id", "text", "html", "detail_html", "multiple", "choices", "explanation_html"}
    assert question["text"] == "How soon must a breach be reported to the authority?"
    assert question["html"] == "How soon must a breach be reported to the authority?"
    assert question["detail_html"] == "<p>A laptop with customer data was stolen on <em>Monday</em>.</p>"
    assert question["multiple"] is False
    assert [c["text"] for c in question["choices"]] == [
        "Within 24 hours", "Within 72 hours of becoming aware of it", "Within 30 days"]
    assert [c["correct"] for c in question["choices"]] == [False, True, False]
    assert all(set(c) == {"id", "text", "html", "correct"} for c in question["choices"])
    assert question["explanation_html"] == (
        "<p>GDPR Article 33(1): without undue delay and, where feasible,\n"
        "not later than <strong>72 hours</strong>.</p>")


def test_several_ticks_make_a_multiple_choice_question_and_capital_x_counts():
    quiz = snapshot_of("### Which are personal data?\n- [x] A name\n- [X] An IP address\n"
                       "- [ ] The shop's VAT number\n> Both identify a person.\n")
    assert quiz[0]["multiple"] is True
    assert [c["correct"] for c in quiz[0]["choices"]] == [True, True, False]


def test_question_and_choice_text_render_inline_markdown():
    quiz = snapshot_of("### What does `DELETE` do to *all* rows?\n- [x] Removes **them**\n"
                       "- [ ] Nothing <script>alert(1)</script>\n> See [the docs](https://example.com).\n")
    assert quiz[0]["html"] == "What does <code>DELETE</code> do to <em>all</em> rows?"
    assert quiz[0]["text"] == "What does `DELETE` do to *all* rows?"
    assert quiz[0]["choices"][0]["html"] == "Removes <strong>them</strong>"
    assert quiz[0]["choices"][1]["html"] == "Nothing"
    assert quiz[0]["explanation_html"] == (
        '<p>See <a href="https://example.com" rel="noopener noreferrer">the docs</a>.</p>')


def test_question_ids_are_stable_when_only_other_questions_change():
    before = snapshot_of(question(1, text="What is personal data?") + "\n" + question(2, text="Old wording?"))
    after = snapshot_of(question(1, text="What is  personal data?") + "\n" + question(2, text="New wording?"))
    assert before[0]["id"] == after[0]["id"]  # same text (whitespace does not count)
    assert before[1]["id"] != after[1]["id"]
    assert before[0]["choices"][0]["id"] == after[0]["choices"][0]["id"]


def test_ids_are_12_hex_characters_and_unique():
    quiz = snapshot_of("\n".join(question(n) for n in range(1, 8)))
    ids = [q["id"] for q in quiz]
    assert len(set(ids)) == 7
    assert all(len(i) == 12 and int(i, 16) >= 0 for i in ids)
    choice_ids = [c["id"] for c in quiz[0]["choices"]]
    assert len(set(choice_ids)) == 3


def test_question_without_a_correct_answer():
    errors = quiz_errors("### Q?\n- [ ] a\n- [ ] b\n> Why.\n")
    assert errors == [(Q, "a question without a correct answer; mark it with '- [x]'")]


def test_question_with_fewer_than_two_choices():
    errors = quiz_errors("### Q?\n- [x] a\n> Why.\n")
    assert errors == [(Q, "a question needs at least 2 choices; this one has 1")]


def test_question_without_explanation():
    errors = quiz_errors("### Q?\n- [x] a\n- [ ] b\n")
    assert errors == [(Q, "a question without an explanation; add '> why' lines after the choices")]
    assert has_error(quiz_errors("### Q?\n- [x] a\n- [ ] b\n>\n"), Q, "without an explanation")


def test_question_without_text():
    errors = quiz_errors("###\n- [x] a\n- [ ] b\n> Why.\n")
    assert errors == [(Q, "a question without text; write it after '### '")]


def test_duplicate_question_text_in_a_module():
    errors = quiz_errors(question(1, text="Same?") + "\n" + question(2, text="same? "))
    assert errors == [(Q + 6, f"the same question twice in this module (first on line {Q})")]


def test_duplicate_choice_text_in_a_question():
    errors = quiz_errors("### Q?\n- [x] Yes\n- [ ] No\n- [ ] yes\n> Why.\n")
    assert errors == [(Q + 3, f"the same choice twice in one question (first on line {Q + 1})")]


def test_text_before_the_first_question():
    errors = quiz_errors("Answer these:\n\n" + question(1))
    assert errors == [(Q, "text before the first question; a question starts with '### '")]


def test_malformed_choices_are_named():
    for bad in ("-[x] a", "* [x] a", "- [] a", "- [y] a", "[x] a", "- [x]"):
        errors = quiz_errors(f"### Q?\n- [x] right\n- [ ] wrong\n{bad}\n> Why.\n")
        message = "a malformed choice; write '- [ ] text' (wrong) or '- [x] text' (right)"
        assert errors == [(Q + 3, message)], bad


def test_a_plain_list_after_the_choices_is_a_malformed_choice():
    errors = quiz_errors("### Q?\n- [x] right\n- wrong\n> Why.\n")
    assert has_error(errors, Q + 2, "a malformed choice")


def test_stray_text_after_the_choices():
    errors = quiz_errors("### Q?\n- [x] right answer that\ncontinues here\n- [ ] b\n> Why.\n")
    assert errors == [(Q + 2, "unexpected text after the choices; explanation lines start with '> ' "
                              "and a new question with '### '")]


def test_stray_text_after_the_explanation():
    errors = quiz_errors("### Q?\n- [x] a\n- [ ] b\n> Why.\nAnd more.\n")
    assert errors == [(Q + 4, "unexpected text after the explanation; explanation lines start with '> ' "
                              "and a new question with '### '")]


def test_choice_after_the_explanation():
    errors = quiz_errors("### Q?\n- [x] a\n- [ ] b\n> Why.\n- [ ] c\n")
    assert errors == [(Q + 4, "a choice after the explanation; choices come before the '>' lines")]


def test_explanation_before_the_choices():
    errors = quiz_errors("### Q?\n> Why.\n- [x] a\n- [ ] b\n")
    assert has_error(errors, Q + 1, "an explanation before any choice; write the choices first")


def test_headings_inside_the_quiz_are_stray():
    errors = quiz_errors(question(1) + "\n## Further reading\n")
    assert errors == [(Q + 6, "a heading inside the quiz; the quiz runs to the end of the file and only "
                              "'### ' (a question) may start a line with '#'")]
    assert has_error(quiz_errors(question(1) + "#### Small\n"), Q + 5, "a heading inside the quiz")


def test_all_errors_in_a_quiz_are_reported_not_just_the_first():
    errors = quiz_errors("### A?\n- [ ] a\n- [ ] b\n> Why.\n\n### B?\n- [x] a\n\n### C?\n- [x] a\n- [ ] b\n")
    assert [line for line, _ in errors] == [Q, Q + 5, Q + 5, Q + 8]


def test_detail_may_span_lines_and_contain_a_list():
    quiz = snapshot_of("### Which is the breach?\nConsider:\n\n- a lost laptop\n- a sunny day\n\n"
                       "- [x] The laptop\n- [ ] The sun\n> Loss of availability.\n")
    assert quiz[0]["detail_html"] == (
        "<p>Consider:</p>\n<ul>\n<li>a lost laptop</li>\n<li>a sunny day</li>\n</ul>")
    assert len(quiz[0]["choices"]) == 2


def test_stable_ids_lengthen_instead_of_colliding():
    first = stable_id("What is personal data?", set())
    assert len(first) == 12
    longer = stable_id("What is personal data?", {first})
    assert longer.startswith(first)
    assert len(longer) == 13
    assert stable_ids(["A?", "B?", "a?"])[0] == stable_ids(["A?"])[0]
