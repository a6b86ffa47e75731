"""The auditor pack's summary: the overdue list at its cap, read with a LIMIT, and the PDF's
tables (drawn cell by cell) still showing every name and figure."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from fpdf import FPDF
from pypdf import PdfReader

from tests.compliance.helpers import require, sync
from tests.factories import make_course, make_user
from tests.reports.dataset import assign
from trainer import clock
from trainer.compliance.status import Thresholds
from trainer.learning.certificate_pdf import FONT, add_fonts
from trainer.reports.filters import ReportFilter
from trainer.reports.pack_data import Period
from trainer.reports.pack_summary import (
    OVERDUE_LISTED,
    TABLE_FONT_SIZE,
    OnTime,
    _fit,
    summary_figures,
    summary_pdf,
    text_width,
)

D = dt.date
EARLY, LATE = D(2026, 1, 5), D(2026, 2, 2)  # assigned on; due 30 days later
PERIOD = Period(D(2026, 1, 1), D(2026, 6, 30), D(2026, 6, 30))


def overdue_people(session, early: int) -> None:
    """`early` people assigned privacy on 5 January (due 4 February, 146 days overdue on 30
    June), named "Person 001"…, and Aaron Last, assigned on 2 February (due 4 March, 118
    days overdue): first by name, last by how long overdue."""
    with clock.frozen(D(2025, 12, 1)):
        course = make_course(session, slug="privacy", title="Privacy", modules=1)
    for i in range(1, early + 1):
        make_user(session, name=f"Person {i:03}", email=f"p{i}@example.com", department="Sales",
                  password=None)
    require(session, course)
    sync(session, EARLY)
    make_user(session, name="Aaron Last", email="aaron@example.com", department="Sales", password=None)
    sync(session, LATE)
    session.commit()


def figures(session: Any):
    with clock.frozen(D(2026, 7, 1)):
        return summary_figures(session, ReportFilter(), PERIOD, Thresholds(), "Example Ltd",
                               "all departments", None)


def pdf_text(session) -> str:
    pdf = PdfReader(io.BytesIO(summary_pdf(figures(session))))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)


def listed_people(text: str) -> list[str]:
    return re.findall(r"Person \d{3}|Aaron Last", text)


def test_exactly_the_cap_lists_everyone_without_the_note(session):
    overdue_people(session, OVERDUE_LISTED - 1)
    text = pdf_text(session)
    assert "Overdue on 30 June 2026: 200 cycles" in text
    assert "longest overdue" not in text
    assert listed_people(text) == [f"Person {i:03}" for i in range(1, 200)] + ["Aaron Last"]
    assert "Person 001 privacy 2026-02-04 146 0 0" in text
    assert "Aaron Last privacy 2026-03-04 118 0 0" in text


def test_one_over_the_cap_lists_the_200_longest_overdue_and_says_so(session):
    overdue_people(session, OVERDUE_LISTED)
    text = pdf_text(session)
    assert "Overdue on 30 June 2026: 201 cycles" in text
    assert "The 200 longest overdue; evidence/course-cycles.csv lists all." in text
    assert listed_people(text) == [f"Person {i:03}" for i in range(1, 201)]  # not Aaron, first by name
    assert "Person 200 privacy 2026-02-04 146 0 0" in text


class CountingSession:
    """A session that remembers how many rows each statement returned."""

    def __init__(self, session) -> None:
        self.session = session
        self.rows: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.session, name)

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        frozen = self.session.execute(*args, **kwargs).freeze()
        self.rows.append(len(frozen.data))
        return frozen()

    def scalars(self, *args: Any, **kwargs: Any) -> Any:
        return self.execute(*args, **kwargs).scalars()

    def scalar(self, *args: Any, **kwargs: Any) -> Any:
        return self.execute(*args, **kwargs).scalar()


@pytest.mark.parametrize("early", [OVERDUE_LISTED + 50])
def test_the_overdue_list_is_read_with_a_limit_and_counted_in_the_database(session, early):
    overdue_people(session, early)
    counting = CountingSession(session)
    result = figures(counting)
    assert result.overdue_total == early + 1
    assert len(result.overdue) == OVERDUE_LISTED
    assert max(counting.rows) == OVERDUE_LISTED  # no statement returned every overdue cycle


@pytest.mark.parametrize("text", [
    "Short",
    "Alexandra Konstantinopoulou of the Procurement and Facilities Office",
    "ISO/IEC 27001:2022 A.6.3; SOC 2 CC1.4, CC2.2; PCI DSS v4.0.1 12.6.1; GDPR Art. 39(1)(b)",
    "E-" + "0123456789" * 4,  # one word wider than the column
])
def test_table_text_wraps_to_its_column_and_keeps_every_character(text):
    pdf = FPDF()
    add_fonts(pdf)
    pdf.set_font(FONT, "", TABLE_FONT_SIZE)
    width = 40
    lines = _fit(pdf, text, width)
    assert all(pdf.get_string_width(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert (len(lines) == 1) == (pdf.get_string_width(text) <= width)


def test_on_time_counts_new_hires_and_refreshers_due_in_the_period_apart(session):
    """New hires: two due in the period (one done by its due date, one late), one due after
    it. Refreshers: three due in the period, one done on its due date. An initial cycle
    counts as neither. Nobody is overdue on the as-of date."""
    course = make_course(session, modules=1)
    people = [make_user(session, name=f"P{i}", email=f"p{i}@example.com", password=None) for i in range(7)]
    assign(session, people[0], course, reason="new_hire", assigned=D(2026, 1, 5), due=D(2026, 2, 4),
           completed=D(2026, 2, 4), expires=D(2027, 2, 4))
    assign(session, people[1], course, reason="new_hire", assigned=D(2026, 1, 5), due=D(2026, 2, 4),
           completed=D(2026, 2, 5), expires=D(2027, 2, 5))
    assign(session, people[2], course, reason="new_hire", assigned=D(2026, 6, 20), due=D(2026, 7, 20))
    for person, completed in zip(people[3:6], (D(2026, 3, 1), D(2026, 3, 2), D(2026, 4, 9)), strict=True):
        assign(session, person, course, reason="refresher", assigned=D(2026, 1, 30), due=D(2026, 3, 1),
               completed=completed, expires=completed.replace(year=2027))
    assign(session, people[6], course, assigned=D(2026, 1, 5), due=D(2026, 2, 4), completed=D(2026, 1, 6),
           expires=D(2027, 1, 6))
    session.commit()
    result = figures(session)
    assert (result.new_hires, result.refreshers) == (OnTime(2, 1), OnTime(3, 1))
    assert (result.overdue, result.overdue_total) == ([], 0)
    text = pdf_text(session)
    assert "Overdue on 30 June 2026: 0 cycles None." in text


@pytest.mark.parametrize("style", ["", "B"])
@pytest.mark.parametrize("text", ["Person 000216", "Łukasz Żółć-Ørsted", "Ελένη Παπαδοπούλου", "Ёлкин Пётр",
                                  "ISO/IEC 27001:2022 A.6.3; 12.6.2 (upon hire)", ""])
def test_the_table_measures_text_as_fpdf2_does(style, text):
    pdf = FPDF()
    add_fonts(pdf)
    pdf.set_font(FONT, style, TABLE_FONT_SIZE)
    assert text_width(pdf, text) == pytest.approx(pdf.get_string_width(text))
