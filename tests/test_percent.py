"""trainer.percent: the one rounding of shares, and the figures that use it."""

from __future__ import annotations

import pytest

from trainer.compliance.progress import Progress
from trainer.content.quality import LongestAnswerShare
from trainer.percent import percent
from trainer.reports.figures import Figures
from trainer.reports.trend import TrendPoint


@pytest.mark.parametrize(("part", "whole", "shown"), [
    (8, 12, 67),     # 66.7: rounded, not truncated to 66
    (1, 3, 33),
    (1, 8, 13),      # 12.5: halves go up (Python's round() would give 12)
    (5, 8, 63),      # 62.5
    (1, 2, 50),
    (199, 200, 99),  # 99.5 would round to 100, but not everyone is compliant
    (999, 1000, 99),
    (1, 1000, 1),    # 0.1 would round to 0, but someone is
    (1, 201, 1),     # 0.497...
    (0, 7, 0),
    (7, 7, 100),
])
def test_a_share_is_rounded_to_the_nearest_percent_never_to_0_or_100_unless_exact(part, whole, shown):
    assert percent(part, whole) == shown


def test_a_share_of_nothing_is_refused_not_guessed():
    with pytest.raises(ValueError):
        percent(0, 0)


def test_every_figure_that_shows_a_share_rounds_the_same_way():
    assert Figures({"completed": 8, "overdue": 4}).percent == 67
    assert Figures({}).percent is None
    assert TrendPoint(day=None, assigned=12, compliant=8).percent == 67  # type: ignore[arg-type]
    assert Progress(modules=[object()] * 12, done=dict.fromkeys(range(8))).percent == 67  # type: ignore[list-item,arg-type]
    assert LongestAnswerShare(single_choice=3, cued_lines=(1, 2)).percent == 67


@pytest.mark.parametrize(("done", "total", "words"), [
    (0, 0, "No modules yet"),
    (0, 1, "1 module to do"),
    (0, 3, "3 modules to do"),
    (1, 3, "1 of 3 modules done"),
    (1, 1, "Module done"),
    (3, 3, "All 3 modules done"),
])
def test_progress_reads_as_words_without_0_of_1_modules(done, total, words):
    progress = Progress(modules=[object()] * total, done=dict.fromkeys(range(done)))  # type: ignore[list-item,arg-type]
    assert progress.summary == words
