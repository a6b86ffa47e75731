"""Property tests: no text, however broken, makes parsing or rendering raise anything but clean
errors; canonical course files read back as they were written."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.content.test_markdown import ALLOWED_TAGS, elements, url_scheme
from trainer.content import ValidationFailed, parse_course, parse_module, render_inline, render_markdown
from trainer.content.canonical import course_text
from trainer.content.meta import CourseMeta

SHIPPED = sorted(Path(__file__).parents[2].glob("courses/*/[0-9][0-9]-*.md"))
SAMPLE_LESSON = next(p for p in SHIPPED if p.name.startswith("02-")).read_text()
SAMPLE_POLICY = next(p for p in SHIPPED if "policy" in p.name).read_text()
SAMPLE_COURSE = (SHIPPED[0].parent / "course.md").read_text()

FRAGMENTS = ["---", "...", "### ", "## Quiz", "## ", "# ", "- [x] ", "- [ ] ", "- [X] ", "- [] ", "* [x] ",
             "- ", "> ", ">", "!!! tip \"T\"", "!!! ", "    ", "```", "~~~", "===", "title: ", "minutes: ",
             "kind: policy", "kind: lesson", "questions_per_attempt: ", "change: major", "change_note: ",
             "summary: ", "pass_mark: ", "audience: ", "regulations: [", "]", "{", "}", ": ", "\"", "'",
             "&", "&#106;", "<script>", "<a href=\"javascript:x\">", "<!--", "-->", "|", "\t", "\r",
             "\ufeff", "\x00", "\x07", "\u2028", "é", "0", "7", "-1", "null", "true", "[", "*", "_", "`"]
markdownish_line = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)),
                            max_size=6).map("".join)
markdownish_text = st.lists(markdownish_line, max_size=40).map("\n".join)
any_text = st.one_of(st.text(), markdownish_text,
                     st.binary().map(lambda b: b.decode("utf-8", errors="surrogateescape")
                                     .encode("utf-8", errors="replace").decode("utf-8", errors="replace")))


@st.composite
def mutated(draw: st.DrawFn, original: str) -> str:
    """A valid file with a few lines deleted, duplicated, swapped or replaced by junk."""
    lines = original.split("\n")
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "replace", "insert", "truncate"]))
        if action == "delete" and len(lines) > 1:
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        elif action == "replace":
            lines[index] = draw(markdownish_line)
        elif action == "insert":
            lines.insert(index, draw(markdownish_line))
        else:
            lines[index] = lines[index][: draw(st.integers(0, len(lines[index])))]
    return "\n".join(lines)


def assert_clean(parse, text: str) -> None:  # type: ignore[no-untyped-def]
    """Parsing either works (and renders) or raises ValidationFailed with located errors."""
    last_line = text.count("\n") + text.count("\r") + 2
    try:
        parsed = parse(text, "f.md")
    except ValidationFailed as failed:
        assert failed.errors
        for error in failed.errors:
            assert error.path == "f.md"
            assert 1 <= error.line <= last_line, error
            assert error.message.strip()
        return
    if hasattr(parsed, "quiz_snapshot"):
        parsed.body_html()
        parsed.quiz_snapshot()


# CONTENT_EXAMPLES=5000 for a longer hunt than CI affords.
PROPERTY = settings(max_examples=int(os.environ.get("CONTENT_EXAMPLES", "300")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(any_text)
def test_any_text_parses_as_a_module_or_gives_clean_errors(text):
    assert_clean(parse_module, text)


@PROPERTY
@given(any_text)
def test_any_text_parses_as_a_course_or_gives_clean_errors(text):
    assert_clean(parse_course, text)


@PROPERTY
@given(st.one_of(mutated(SAMPLE_LESSON), mutated(SAMPLE_POLICY)))
def test_mutated_modules_parse_or_give_clean_errors(text):
    assert_clean(parse_module, text)


@PROPERTY
@given(mutated(SAMPLE_COURSE))
def test_mutated_course_files_parse_or_give_clean_errors(text):
    assert_clean(parse_course, text)


html_fragments = st.sampled_from([
    "<script>", "</script>", "<img src=x onerror=alert(1)>", "<a href='", "javascript:", "data:", "'>",
    "<svg onload=x>", "<iframe>", "<style>", "<!--", "-->", "&#106;", "&colon;", "\t", "\n", "\"",
    "<p style='x'>", "[x](", ")", "![i](", "<math>", "<form>", "<input>", "<div onclick=1>", "vbscript:",
    " ", "a", "<", ">", "=", "`", "!!! tip \"", "```", "<h2 id='login'>",
])


@PROPERTY
@given(st.lists(st.one_of(html_fragments, st.text(max_size=5)), max_size=30).map("".join))
def test_rendering_keeps_only_allowlisted_markup(source):
    for html in (render_markdown(source), render_inline(source)):
        for tag, attrs in elements(html):
            assert tag in ALLOWED_TAGS
            assert not any(name.startswith("on") or name == "style" for name in attrs)
            for name in ("href", "src"):
                if name in attrs:
                    assert url_scheme(attrs[name]) in (None, "http", "https", "mailto")


line_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1,
                    max_size=40).map(str.strip).filter(bool)


@st.composite
def course_metas(draw: st.DrawFn) -> CourseMeta:
    audience = draw(st.one_of(
        st.just("everyone"),
        st.fixed_dictionaries({"departments": st.lists(line_text, min_size=1, max_size=3, unique=True)},
                              optional={"job_roles": st.lists(line_text, max_size=3, unique=True)}),
    ))
    return CourseMeta(
        title=draw(line_text), summary=draw(st.text(min_size=1).map(str.strip).filter(bool)),
        pass_mark=draw(st.integers(0, 100)), refresher_months=draw(st.one_of(st.none(), st.integers(1, 120))),
        due_days=draw(st.integers(1, 365)), audience=audience,
        regulations=draw(st.lists(line_text, max_size=4, unique=True)),
    )


@PROPERTY
@given(course_metas(), st.sampled_from(["", "Intro.\n", "\nTwo\n\nparagraphs.\n"]))
def test_canonical_course_files_read_back_unchanged(meta, intro):
    text = course_text(meta, intro)
    try:
        parsed, parsed_intro = parse_course(text)
    except ValidationFailed as failed:  # only when the generated data breaks a rule itself
        assert any("lists an entry twice" in e.message for e in failed.errors), str(failed)
        return
    assert parsed == meta
    assert parsed_intro == intro
