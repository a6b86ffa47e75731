"""Quiz quality and reading time: warnings about module files that are valid but teach badly.

A file can parse perfectly and still make a weak quiz: the right answer is always the longest
choice, two choices make a coin toss, "all of the above" gives itself away, an explanation
teaches without saying where the rule comes from, or the pool is so small that a second
attempt asks the same questions. These checks find that, module by module:

    longest-answer cue  the right answer is the strictly longest choice in more than 40 % of
                        the module's single-choice questions
    length outlier      a choice more than 1.5 times as long as every other choice
    too few choices     fewer than 3 choices
    catch-all choice    "all of the above", "none of the above" and the like
    no source           an explanation that cites no source (SOURCE_REFERENCES)
    small pool          fewer questions than twice `questions_per_attempt`
    reading time        `min_read_seconds` below the text's length at 250 words a minute
                        (for every policy, and for a lesson that sets it)

They are warnings: `trainer courses validate` prints them (and fails on them with --strict)
and the module editor's preview lists them; importing and publishing are not blocked.
docs/authoring.md ("Quiz quality and reading time") explains each with examples.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable

from trainer.content.errors import ContentError
from trainer.content.parser import ParsedModule
from trainer.content.quiz import Choice, Question
from trainer.content.tree import CourseFile
from trainer.percent import percent

LONGEST_SHARE_MAX = (2, 5)  # 40 %, as a fraction so the boundary is exact
LENGTH_RATIO_MAX = (3, 2)  # 1.5 times
MIN_CHOICES = 3
POOL_FACTOR = 2
WORDS_PER_MINUTE = 250

CATCH_ALL = re.compile(
    r"\b(?:all|none|any|both|neither)\s+(?:of\s+)?(?:the\s+)?(?:above|below)\b"
    r"|^(?:all|none)\s+of\s+(?:these|them|those|the\s+options)\W*$",
    re.IGNORECASE,
)

# What counts as a source reference in an explanation: any one of these (docs/authoring.md).
SOURCE_REFERENCES: dict[str, re.Pattern[str]] = {
    "an article or recital (GDPR Art. 33(1), Article 5, Recital 26)":
        re.compile(r"\b(?:Art(?:icle)?s?\.?\s*\d|Recitals?\s+\d)"),
    "a section (Cal. Civ. Code §1798.82, 11 CCR §7025)": re.compile(r"§\s*\d"),
    "a PCI DSS requirement (PCI DSS 8.4.3, Req. 3.3.1)":
        re.compile(r"\bPCI DSS(?: v\d+(?:\.\d+)*)?,?\s+(?:Req(?:uirement)?s?\.?\s*)?\d+(?:\.\d+)*"
                   r"|\bReq(?:uirement)?s?\.?\s*\d+(?:\.\d+)*"),
    "numbered guidance (EDPB Guidelines 9/2022, WP250)":
        re.compile(r"\b(?:Guidelines|Recommendations?|Opinion)\s+\d+/\d{4}\b|\bWP\s?\d{2,3}\b"),
    "a court case (CJEU C-634/21)": re.compile(r"\bC[-\u2011\u2013]\d+/\d{2}\b"),
    "a numbered regulation, bill or standard (PECR reg. 21, SB 446, RFC 8996, NIST SP 800-63B)":
        re.compile(r"\breg\.\s*\d+|\b(?:SB|AB)\s?\d+\b|\bRFC\s?\d+|\bSP\s?800-\d+|\bISO(?:/IEC)?\s?\d{4,5}"),
    "a numbered rule of our own policy (acceptable-use policy 3.4)":
        re.compile(r"\bpolicy,?\s+(?:section\s+)?\d+(?:\.\d+)*", re.IGNORECASE),
    "a web link (https://...)": re.compile(r"https?://\S"),
}


@dataclasses.dataclass(frozen=True)
class QualityWarning(ContentError):
    """A quiz-quality or reading-time finding: printed as a warning, an error with --strict."""


@dataclasses.dataclass(frozen=True)
class LongestAnswerShare:
    """How often a module's single-choice answer is the strictly longest choice."""

    single_choice: int
    cued_lines: tuple[int, ...]

    @property
    def too_high(self) -> bool:
        numerator, denominator = LONGEST_SHARE_MAX
        return len(self.cued_lines) * denominator > self.single_choice * numerator

    @property
    def percent(self) -> int:
        return percent(len(self.cued_lines), self.single_choice) if self.single_choice else 0


def course_warnings(courses: Iterable[CourseFile]) -> list[QualityWarning]:
    """Every warning for every module of `courses`, in file order."""
    return [warning for course in courses for module in course.modules
            for warning in module_warnings(module.module, module.path)]


def module_warnings(parsed: ParsedModule, path: str) -> list[QualityWarning]:
    """Every quiz-quality and reading-time warning for one module, ordered by line."""
    found: list[tuple[int, str]] = []
    found += _longest_answer_cue(parsed.questions)
    for question in parsed.questions:
        found += _question_findings(question)
    found += _pool_size(parsed)
    found += _reading_time(parsed)
    return [QualityWarning(path, line, message) for line, message in sorted(found, key=lambda f: f[0])]


def longest_answer_share(questions: list[Question]) -> LongestAnswerShare:
    single = [question for question in questions if sum(c.correct for c in question.choices) == 1]
    cued = tuple(question.line for question in single if _right_is_strictly_longest(question))
    return LongestAnswerShare(len(single), cued)


def _right_is_strictly_longest(question: Question) -> bool:
    right = next(choice for choice in question.choices if choice.correct)
    return all(length(right) > length(other) for other in question.choices if other is not right)


def _longest_answer_cue(questions: list[Question]) -> list[tuple[int, str]]:
    share = longest_answer_share(questions)
    if not share.too_high:
        return []
    lines = ", ".join(str(line) for line in share.cued_lines)
    return [(share.cued_lines[0],
             f"the right answer is the strictly longest choice in {len(share.cued_lines)} of "
             f"{share.single_choice} single-choice questions ({share.percent} %; at most 40 %), on "
             f"lines {lines}: learners can pass by picking the longest answer; make the wrong "
             "choices as long and specific as the right one")]


def _question_findings(question: Question) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    if len(question.choices) < MIN_CHOICES:
        found.append((question.line, f"only {len(question.choices)} choices; give at least {MIN_CHOICES} "
                                     "(two choices make a coin toss)"))
    for choice in question.choices:
        found += _choice_findings(choice, question.choices)
    if question.explanation and not cites_a_source(question.explanation):
        found.append((question.line, "the explanation cites no source: name the article, section, "
                                     "requirement, guidance or policy rule it rests on (e.g. 'GDPR "
                                     "Art. 33(1)'; docs/authoring.md lists what counts)"))
    return found


def _choice_findings(choice: Choice, choices: list[Choice]) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    if CATCH_ALL.search(" ".join(choice.text.split())):
        found.append((choice.line, "an 'all/none of the above' choice: it gives itself away and "
                                   "breaks when choices are shuffled; write a select-all question instead"))
    others = [length(other) for other in choices if other is not choice]
    longest_other = max(others, default=0)
    numerator, denominator = LENGTH_RATIO_MAX
    if longest_other and length(choice) * denominator > longest_other * numerator:
        found.append((choice.line, f"this choice is {length(choice) / longest_other:.2f} times as long as "
                                   f"the longest other choice ({length(choice)} against {longest_other} "
                                   "characters; at most 1.5): its length alone stands out"))
    return found


def _pool_size(parsed: ParsedModule) -> list[tuple[int, str]]:
    pool = len(parsed.questions)
    if parsed.meta.kind != "lesson" or not pool:
        return []
    draw = parsed.meta.questions_per_attempt
    if draw is None:
        return [(parsed.line_of("questions_per_attempt"),
                 f"questions_per_attempt is not set, so every attempt asks all {pool} questions; "
                 f"set it to at most {pool // POOL_FACTOR} so that each attempt draws afresh from the pool")]
    if pool >= POOL_FACTOR * draw:
        return []
    return [(parsed.line_of("questions_per_attempt"),
             f"the pool has {pool} questions for {draw} drawn per attempt; it needs at least "
             f"{POOL_FACTOR * draw} (twice the draw) so that a new attempt asks different questions")]


def _reading_time(parsed: ParsedModule) -> list[tuple[int, str]]:
    if parsed.meta.kind != "policy" and "min_read_seconds" not in parsed.key_lines:
        return []
    words = word_count(parsed.body)
    seconds = parsed.meta.min_read_seconds
    if seconds * WORDS_PER_MINUTE >= words * 60:
        return []
    needed = math.ceil(words * 60 / WORDS_PER_MINUTE)
    return [(parsed.line_of("min_read_seconds"),
             f"min_read_seconds is {seconds}, but the text has {words} words, {needed} s at "
             f"{WORDS_PER_MINUTE} words a minute; set min_read_seconds to at least {needed}")]


def length(choice: Choice) -> int:
    """A choice's length: its characters as written, a run of spaces counting as one."""
    return len(" ".join(choice.text.split()))


def word_count(text: str) -> int:
    """Words of Markdown text: whitespace-separated tokens holding a letter or digit."""
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def cites_a_source(text: str) -> bool:
    return any(pattern.search(text) for pattern in SOURCE_REFERENCES.values())
