"""Quiz-quality and reading-time warnings (content/quality.py): each check, each boundary, both ways."""

from __future__ import annotations

import pytest

from tests.content.builders import policy, write_course
from trainer.content import load_courses, parse_module
from trainer.content.quality import (
    QualityWarning,
    cites_a_source,
    course_warnings,
    longest_answer_share,
    module_warnings,
    word_count,
)

SOURCE = "GDPR Art. 33(1)."


def q(text: str, right: str, *wrong: str, explanation: str = SOURCE, also_right: tuple[str, ...] = ()) -> str:
    """A question: the right choice first, then the wrong ones (choices are shuffled when shown)."""
    lines = [f"### {text}", f"- [x] {right}", *(f"- [x] {c}" for c in also_right),
             *(f"- [ ] {c}" for c in wrong)]
    return "\n".join(lines) + f"\n> {explanation}\n"


def module(*questions: str, front: str = "title: M\nminutes: 5\nquestions_per_attempt: 1\n",
           body: str = "## Text\n\nSome text.\n") -> str:
    return f"---\n{front}---\n{body}\n## Quiz\n\n" + "\n".join(questions)


def warnings_of(text: str) -> list[tuple[int, str]]:
    return [(w.line, w.message) for w in module_warnings(parse_module(text, "m.md"), "m.md")]


def messages(text: str, fragment: str) -> list[tuple[int, str]]:
    return [(line, message) for line, message in warnings_of(text) if fragment in message]


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.split("\n"), start=1) if fragment in line)


# Single-choice questions whose choices all have the same length: the right one is not longest.
def even(n: int) -> str:
    return q(f"Even question {n}?", "aaaa", "bbbb", "cccc")


def cued(n: int) -> str:
    """The right answer is strictly the longest (5 against 4 characters: no length outlier)."""
    return q(f"Cued question {n}?", "aaaaa", "bbbb", "cccc")


def test_a_clean_module_has_no_warnings():
    assert warnings_of(module(even(1), even(2))) == []


# --- the right answer is the strictly longest in more than 40 % of single-choice questions ---

def test_exactly_40_percent_longest_answers_is_fine():
    text = module(cued(1), cued(2), even(3), even(4), even(5))
    assert longest_answer_share(parse_module(text).questions).percent == 40
    assert messages(text, "strictly longest") == []


def test_more_than_40_percent_longest_answers_is_flagged_with_every_line():
    text = module(cued(1), cued(2), cued(3), even(4), even(5), even(6), even(7))  # 3 of 7: 43 %
    [(line, message)] = messages(text, "strictly longest")
    lines = [line_of(text, f"Cued question {n}?") for n in (1, 2, 3)]
    assert line == lines[0]
    assert "in 3 of 7 single-choice questions (43 %; at most 40 %)" in message
    assert f"on lines {lines[0]}, {lines[1]}, {lines[2]}:" in message


def test_a_right_answer_tied_for_longest_is_not_strictly_longest():
    tied = q("Tied?", "aaaaa", "bbbbb", "cccc")
    share = longest_answer_share(parse_module(module(tied)).questions)
    assert (share.single_choice, share.cued_lines) == (1, ())


def test_select_all_questions_do_not_count_towards_the_longest_answer_share():
    select_all = q("Select all?", "aaaaa", "bbbb", also_right=("ccccc",))
    text = module(cued(1), even(2), even(3), select_all, select_all.replace("Select all?", "Again?"))
    share = longest_answer_share(parse_module(text).questions)
    assert (share.single_choice, len(share.cued_lines)) == (3, 1)
    assert messages(text, "strictly longest") == []


# --- a choice more than 1.5 times as long as every other ---

def test_a_choice_exactly_one_and_a_half_times_as_long_is_fine():
    text = module(q("Ratio?", "a" * 30, "b" * 20, "c" * 12), even(2))
    assert messages(text, "times as long") == []


def test_a_choice_more_than_one_and_a_half_times_as_long_is_flagged_on_its_line():
    text = module(q("Ratio?", "a" * 31, "b" * 20, "c" * 12), even(2))
    assert messages(text, "times as long") == [
        (line_of(text, "- [x] aaa"), "this choice is 1.55 times as long as the longest other choice "
                                     "(31 against 20 characters; at most 1.5): its length alone stands out")]


def test_a_long_wrong_choice_is_flagged_too_and_spaces_count_once():
    text = module(q("Ratio?", "a" * 10, "b   b " * 3, "w" * 17), even(2))  # "b b b b b b" is 11 long
    [(line, _)] = messages(text, "times as long")
    assert line == line_of(text, "- [ ] www")


# --- fewer than 3 choices ---

@pytest.mark.parametrize(("wrong", "flagged"), [(("bbbb",), True), (("bbbb", "cccc"), False)])
def test_a_question_needs_three_choices(wrong, flagged):
    text = module(q("Choices?", "aaaa", *wrong), even(2))
    found = messages(text, "choices; give at least 3")
    assert found == ([(line_of(text, "### Choices?"), "only 2 choices; give at least 3 (two choices make a "
                                                     "coin toss)")] if flagged else [])


# --- "all/none of the above" ---

@pytest.mark.parametrize("choice", ["All of the above", "none of the above.", "Both of the above",
                                    "All the above", "None of these", "all of them"])
def test_catch_all_choices_are_flagged(choice):
    text = module(q("Catch-all?", "aaaaaaaaa", "bbbbbbbbb", choice), even(2))
    assert [line for line, _ in messages(text, "all/none of the above")] == [line_of(text, f"- [ ] {choice}")]


@pytest.mark.parametrize("choice", ["None of these fields is mandatory", "All orders above €50",
                                    "Those listed on the label"])
def test_ordinary_choices_mentioning_all_or_none_are_not(choice):
    text = module(q("Catch-all?", "a" * 20, "b" * 20, choice), even(2))
    assert messages(text, "all/none of the above") == []


# --- an explanation without a source reference ---

@pytest.mark.parametrize("explanation", [
    "GDPR Art. 33(1): within 72 hours.", "See GDPR Article 5.", "GDPR Recital 26.", "Arts. 15-22 GDPR.",
    "Cal. Civ. Code §1798.82(a).", "11 CCR § 7025(b).", "PCI DSS 8.4.3.", "PCI DSS v4.0.1 Req. 3.3.1.",
    "Requirement 12.6.3.", "EDPB Guidelines 9/2022, para. 73.", "WP250 rev.01.", "CJEU C-634/21 (SCHUFA).",
    "CJEU C\u2011413/23 P.", "PECR reg. 21.", "SB 446 (2025).", "RFC 8996.", "NIST SP 800-63B, 3.1.1.",
    "Acceptable-use policy 3.4.", "Our policy, section 9.", "[ICO guidance](https://ico.org.uk/)",
])
def test_explanations_citing_a_source_pass(explanation):
    assert cites_a_source(explanation)
    assert messages(module(q("Source?", "aaaa", "bbbb", "cccc", explanation=explanation), even(2)),
                    "cites no source") == []


@pytest.mark.parametrize("explanation", [
    "Because it is the law.", "The GDPR says so.", "PCI DSS v4.0.1 says so.", "Our policy says so.",
    "Article about phishing.", "Within 72 hours of becoming aware.",
])
def test_explanations_without_a_source_are_flagged_on_the_question(explanation):
    text = module(q("Source?", "aaaa", "bbbb", "cccc", explanation=explanation), even(2))
    assert not cites_a_source(explanation)
    assert [line for line, _ in messages(text, "cites no source")] == [line_of(text, "### Source?")]


# --- a pool smaller than twice questions_per_attempt ---

def pool(size: int, front: str) -> str:
    return module(*(even(n) for n in range(1, size + 1)), front=f"title: M\nminutes: 5\n{front}")


def test_a_pool_of_exactly_twice_the_draw_is_fine():
    assert messages(pool(12, "questions_per_attempt: 6\n"), "pool") == []


def test_a_pool_smaller_than_twice_the_draw_is_flagged_on_the_setting():
    text = pool(11, "questions_per_attempt: 6\n")
    assert messages(text, "pool") == [(
        line_of(text, "questions_per_attempt"),
        "the pool has 11 questions for 6 drawn per attempt; it needs at least 12 "
        "(twice the draw) so that a new attempt asks different questions")]


def test_no_questions_per_attempt_means_every_question_every_time():
    [(line, message)] = messages(pool(5, ""), "questions_per_attempt is not set")
    assert line == 1
    assert "every attempt asks all 5 questions; set it to at most 2" in message


# --- min_read_seconds below the text's length at 250 words a minute ---

def words(n: int) -> str:
    return "## Rules\n\n" + " ".join(["word"] * (n - 1)) + "\n"  # the heading's "Rules" is a word


@pytest.mark.parametrize(("seconds", "flagged"), [(240, False), (239, True)])
def test_a_policy_must_allow_its_words_at_250_a_minute(seconds, flagged):
    text = policy(front=f"title: P\nminutes: 4\nkind: policy\nmin_read_seconds: {seconds}\n",
                  body=words(1000))
    expected = [(line_of(text, "min_read_seconds"),
                 "min_read_seconds is 239, but the text has 1000 words, 240 s at 250 words a minute; "
                 "set min_read_seconds to at least 240")]
    assert messages(text, "min_read_seconds") == (expected if flagged else [])


def test_a_policy_without_min_read_seconds_is_flagged():
    [(line, message)] = messages(policy(body=words(1001)), "min_read_seconds")
    assert line == 1
    assert message.startswith("min_read_seconds is 0, but the text has 1001 words, 241 s")


@pytest.mark.parametrize(("front", "flagged"), [
    ("", False),                        # not set on a lesson: no reading time claimed
    ("min_read_seconds: 120\n", False),  # 500 words at 250 a minute: exactly 120 s
    ("min_read_seconds: 119\n", True),
])
def test_a_lesson_is_checked_only_when_it_sets_min_read_seconds(front, flagged):
    text = module(even(1), even(2), front=f"title: M\nminutes: 5\nquestions_per_attempt: 1\n{front}",
                  body=words(500))
    assert bool(messages(text, "min_read_seconds")) == flagged


def test_words_are_counted_in_the_text_only_not_in_markup_or_the_quiz():
    body = "## A heading\n\n| a | b |\n|---|---|\n| GDPR Art. 5(1)(b) | - |\n\n- **bold** item\n"
    assert word_count(body) == 9  # A, heading, a, b, GDPR, Art., 5(1)(b), bold, item
    parsed = parse_module(module(even(1), body=body))
    assert word_count(parsed.body) == 9  # the quiz does not count


# --- reporting ---

def test_warnings_name_the_file_and_come_in_line_order(tmp_path):
    text = module(q("Two?", "aaaa", "bbbb", explanation="No source."), even(2),
                  front="title: M\nminutes: 5\n")
    folder = write_course(tmp_path, modules={"01-m.md": text, "02-p.md": policy()})
    found = course_warnings(load_courses(tmp_path))
    assert all(isinstance(w, QualityWarning) for w in found)
    assert [(w.path, w.line) for w in found] == [
        (str(folder / "01-m.md"), 1),                          # questions_per_attempt not set
        (str(folder / "01-m.md"), line_of(text, "### Two?")),  # only 2 choices
        (str(folder / "01-m.md"), line_of(text, "### Two?")),  # no source
        (str(folder / "02-p.md"), 1),                          # policy without reading time
    ]
    assert str(found[1]).startswith(f"{folder / '01-m.md'}:{found[1].line}: ")
