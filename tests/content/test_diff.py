"""Side-by-side diffs: rows for the template, words marked inside changed lines, context cut."""

from __future__ import annotations

from trainer.content.diff import Segment, side_by_side


def texts(side) -> str:  # type: ignore[no-untyped-def]
    return "".join(segment.text for segment in side.segments)


def test_identical_texts_have_no_rows():
    diff = side_by_side("a\nb\n", "a\nb\n")
    assert diff.same and diff.rows == []


def test_a_changed_line_is_paired_and_only_the_changed_words_are_marked():
    diff = side_by_side("one\nTell them at once.\nthree\n", "one\nTell them by phone.\nthree\n")
    changed = [row for row in diff.rows if row.kind == "replace"]
    assert len(changed) == 1
    row = changed[0]
    assert (row.old.number, row.new.number) == (2, 2)
    assert row.old.segments == (Segment("Tell them ", False), Segment("at once", True), Segment(".", False))
    assert row.new.segments == (Segment("Tell them ", False), Segment("by phone", True), Segment(".", False))
    assert (diff.added, diff.removed) == (1, 1)


def test_inserted_and_deleted_lines_have_one_side_only():
    diff = side_by_side("a\nb\nc\n", "a\nc\nd\n")
    kinds = [(row.kind, row.old.number, row.new.number) for row in diff.rows]
    assert ("delete", 2, None) in kinds and ("insert", None, 3) in kinds


def test_long_unchanged_runs_are_cut_to_three_lines_of_context():
    old = "".join(f"line {n}\n" for n in range(1, 21))
    new = old.replace("line 10\n", "line ten\n")
    diff = side_by_side(old, new)
    assert diff.rows[0].kind == "skip" and diff.rows[0].skipped == 6
    assert [texts(row.old) for row in diff.rows[1:8]] == [f"line {n}" for n in range(7, 14)]
    assert diff.rows[-1].kind == "skip" and diff.rows[-1].skipped == 7
    whole = side_by_side(old, new, context=None)
    assert len(whole.rows) == 20 and not any(row.kind == "skip" for row in whole.rows)


def test_text_is_kept_as_is_for_the_template_to_escape():
    diff = side_by_side("<b>x</b>\n", "<script>x</script>\n")
    assert texts(diff.rows[0].new) == "<script>x</script>"
