"""The auditor pack's summary: the figures an auditor asks for, and the PDF that shows them.

`summary_figures` reads the programme, coverage and compliance per department and course
as of the date (the trend's reconstruction, so it agrees with the dashboard for that day),
new hires and refreshers trained within their due dates in the period, and the people
overdue on the date with the reminders and escalations they were sent. `summary_pdf`
prints them with fpdf2 (the library the certificates use) and a table mapping each figure
to the standards it evidences. A fixed creation date keeps the PDF's bytes reproducible.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from fpdf import FPDF
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import FromClause

from trainer.compliance.status import Thresholds
from trainer.learning.certificate_pdf import FONT, add_fonts, long_date
from trainer.models import Course, Department, User
from trainer.reports.filters import NO_DEPARTMENT, ReportFilter
from trainer.reports.pack_data import Period, sent_counts
from trainer.reports.trend import assignment_history, in_force_on, reconstruct, status_as_of

OVERDUE_LISTED = 200  # the PDF lists this many; course-cycles.csv has every one

# Figure -> the controls it evidences. Kept in this one place; docs/compliance.md quotes it.
STANDARDS = [
    ("Programme: courses, audiences, due days, refresher intervals",
     "ISO/IEC 27001:2022 A.6.3; SOC 2 CC1.4, CC2.2; PCI DSS v4.0.1 12.6.1; GDPR Art. 39(1)(b)"),
    ("Coverage and compliance per department and course",
     "ISO/IEC 27001:2022 A.6.3; SOC 2 CC2.2; PCI DSS v4.0.1 12.6.1; GDPR Art. 39(1)(b), 32(4)"),
    ("New hires trained within their due days",
     "ISO/IEC 27001:2022 A.6.3; SOC 2 CC1.4; PCI DSS v4.0.1 12.6.2 (upon hire)"),
    ("Refreshers completed within 12 months",
     "ISO/IEC 27001:2022 A.6.3; SOC 2 CC2.2; PCI DSS v4.0.1 12.6.2 (at least once every 12 months)"),
    ("Policy and regulation-update acknowledgements (acknowledgements.csv)",
     "SOC 2 CC2.2; PCI DSS v4.0.1 12.6.3; GDPR Art. 32(4)"),
    ("Overdue people with reminders and escalations sent",
     "ISO/IEC 27001:2022 A.6.3; SOC 2 CC1.4; GDPR Art. 39(1)(b)"),
    ("Per-person evidence: versions, scores, attempts, certificates (evidence/*.csv, content/)",
     "ISO/IEC 27001:2022 A.6.3, 7.5; SOC 2 CC2.2; PCI DSS v4.0.1 12.6.3; GDPR Art. 32(4)"),
]


@dataclasses.dataclass(frozen=True)
class OnTime:
    """Cycles due in the period, and how many were completed by their due date."""

    due: int
    on_time: int


# person, employee id, course, due on, days overdue, reminders and escalations sent
Overdue = tuple[str, str | None, str, dt.date, int, int, int]


@dataclasses.dataclass(frozen=True)
class SummaryFigures:
    organisation: str
    period: Period
    scope: str
    courses: list[dict[str, Any]]
    coverage: list[tuple[str, str, int, int]]  # department, course, assigned, compliant
    new_hires: OnTime
    refreshers: OnTime
    overdue: list[Overdue]
    overdue_total: int
    chain_head: str | None


def summary_figures(session: Session, filters: ReportFilter, period: Period, thresholds: Thresholds,
                    organisation: str, scope: str, chain_head: str | None,
                    history: FromClause | None = None) -> SummaryFigures:
    """`history`: the filters' history written down (`trend.history_table`), else each
    figure computes it."""
    history = assignment_history(filters) if history is None else history
    on_time = _on_time(session, history, period)
    overdue, overdue_total = _overdue(session, history, period, thresholds)
    return SummaryFigures(
        organisation=organisation, period=period, scope=scope, courses=_programme(session, filters),
        coverage=_coverage(session, filters, history, period, thresholds),
        new_hires=on_time.get("new_hire", OnTime(0, 0)), refreshers=on_time.get("refresher", OnTime(0, 0)),
        overdue=overdue, overdue_total=overdue_total, chain_head=chain_head)


def _programme(session: Session, filters: ReportFilter) -> list[dict[str, Any]]:
    query = select(Course).where(Course.retired_at.is_(None)).order_by(Course.slug)
    if filters.course_id:
        query = query.where(Course.id == filters.course_id)
    return [{"title": c.title, "slug": c.slug, "due_days": c.due_days, "refresher_months": c.refresher_months,
             "regulations": ", ".join(str(r) for r in c.regulations or [])} for c in session.scalars(query)]


def _coverage(session: Session, filters: ReportFilter, history: FromClause, period: Period,
              thresholds: Thresholds) -> list[tuple[str, str, int, int]]:
    counts = reconstruct(session, [period.as_of], thresholds, filters, by_group=True, history=history)
    departments = {id_: name for id_, name in session.execute(select(Department.id, Department.name))}
    courses = {id_: slug for id_, slug in session.execute(select(Course.id, Course.slug))}
    rows = [(departments.get(department_id, "(no department)") if department_id != NO_DEPARTMENT
             else "(no department)", courses.get(course_id, str(course_id)), assigned, compliant)
            for (_, department_id, course_id), (assigned, compliant) in counts.items() if assigned]
    return sorted(rows)


def _on_time(session: Session, history: FromClause, period: Period) -> dict[str, OnTime]:
    """New hires' and refreshers' cycles due in the period, in one scan of the history."""
    h = history.c
    last = min(period.end, period.as_of)
    on_time = case((h.completed_on <= h.due_on, 1), else_=0)
    rows = session.execute(
        select(h.reason, func.count(), func.coalesce(func.sum(on_time), 0))
        .where(h.reason.in_(("new_hire", "refresher")), h.due_on >= period.start, h.due_on <= last)
        .group_by(h.reason)
    )
    return {reason: OnTime(int(due), int(done)) for reason, due, done in rows}


def _overdue(session: Session, history: FromClause, period: Period,
             thresholds: Thresholds) -> tuple[list[Overdue], int]:
    """The OVERDUE_LISTED longest overdue cycles on the as-of date, and how many are
    overdue: one statement, LIMIT in the query and the total counted by the database, so
    the summary's memory does not grow with the number overdue."""
    h = history.c
    sent = sent_counts(period)
    query = (
        select(User.name, User.employee_id, Course.slug, h.due_on,
               func.coalesce(sent.c.reminders, 0), func.coalesce(sent.c.escalations, 0), func.count().over())
        .select_from(history)
        .join(User, User.id == h.user_id)
        .join(Course, Course.id == h.course_id)
        .outerjoin(sent, sent.c.assignment_id == h.id)
        .where(in_force_on(h, period.as_of), status_as_of(period.as_of, thresholds, history) == "overdue")
        .order_by(h.due_on, User.name, User.id, Course.slug)
        .limit(OVERDUE_LISTED)
    )
    rows = session.execute(query).all()  # at most OVERDUE_LISTED
    listed = [(name, employee_id, course, due, (period.as_of - due).days, int(reminders), int(escalations))
              for name, employee_id, course, due, reminders, escalations, _ in rows]
    return listed, int(rows[0][-1]) if rows else 0


# --- the PDF ----------------------------------------------------------------------------------

def summary_pdf(figures: SummaryFigures) -> bytes:
    """An A4 portrait summary; the same figures always give the same bytes."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_title(f"Training evidence summary {figures.period.start} to {figures.period.end}")
    pdf.set_author(figures.organisation)
    pdf.set_creator("Trainer")
    pdf.set_creation_date(dt.datetime.combine(figures.period.as_of, dt.time(0), tzinfo=dt.UTC))
    add_fonts(pdf)
    pdf.set_margins(15, 15, 15)
    pdf.add_page()
    _title(pdf, figures)
    _heading(pdf, "Programme")
    _table(pdf, ["Course", "Due days", "Refresher (months)", "Regulations"],
           [[f"{c['title']} ({c['slug']})", c["due_days"], c["refresher_months"] or "none", c["regulations"]]
            for c in figures.courses], (70, 20, 30, 60))
    _heading(pdf, f"Coverage and compliance on {long_date(figures.period.as_of)}")
    _table(pdf, ["Department", "Course", "Assigned", "Compliant", "%"],
           [[d, c, a, n, f"{n * 100 // a} %"] for d, c, a, n in figures.coverage], (60, 55, 22, 22, 21))
    _heading(pdf, "Trained within their due dates (cycles due in the period)")
    _table(pdf, ["Cycles", "Due", "Completed by the due date", "%"],
           [_on_time_row("New hires", figures.new_hires),
            _on_time_row("Refreshers (12 months)", figures.refreshers)],
           (60, 30, 60, 30))
    _overdue_section(pdf, figures)
    _heading(pdf, "Standards mapping")
    _table(pdf, ["Figure", "Evidences"], [list(row) for row in STANDARDS], (80, 100))
    return bytes(pdf.output())


def _title(pdf: FPDF, figures: SummaryFigures) -> None:
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 8, f"{figures.organisation}: training evidence summary", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    p = figures.period
    lines = [f"Period: {long_date(p.start)} to {long_date(p.end)}; figures as of {long_date(p.as_of)}.",
             f"Scope: {figures.scope}.",
             "Data-protection and security awareness training delivered by Trainer: each course is assigned "
             "to its audience with a due date, renewed by refresher cycles, and reopened when its content "
             "changes materially or a regulation update requires it.",
             f"Audit trail head (SHA-256): {figures.chain_head or 'no events'}."]
    for line in lines:
        pdf.multi_cell(0, 5, line, align="L", new_x="LMARGIN", new_y="NEXT")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(4)
    pdf.set_font(FONT, "B", 12)
    pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")


TABLE_FONT_SIZE = 8
LINE = 4.5  # mm, one line of a table cell
PAD = 1.0  # mm, a cell's inner margin left and right


def _table(pdf: FPDF, header: list[str], rows: list[list[Any]], widths: tuple[int, ...]) -> None:
    """A bordered table drawn cell by cell with fixed column widths; the header (bold) is
    repeated on each new page. Text that does not fit its column wraps at spaces
    (`_fit`); fpdf2's `table()` ran its line breaker over every cell, 20-40 ms a row under
    load, where one width measurement per cell does here."""
    pdf.set_font(FONT, "", TABLE_FONT_SIZE)
    if not rows:
        pdf.multi_cell(0, 5, "None.", new_x="LMARGIN", new_y="NEXT")
        return
    _table_row(pdf, header, widths, bold=True)
    for row in rows:
        cells = [_fit(pdf, "" if value is None else str(value), width - 2 * PAD)
                 for value, width in zip(row, widths, strict=True)]
        if pdf.will_page_break(LINE * max(len(lines) for lines in cells)):
            pdf.add_page()
            _table_row(pdf, header, widths, bold=True)
        _draw_row(pdf, cells, widths)


def _table_row(pdf: FPDF, values: list[str], widths: tuple[int, ...], *, bold: bool) -> None:
    pdf.set_font(FONT, "B" if bold else "", TABLE_FONT_SIZE)
    _draw_row(pdf, [_fit(pdf, value, width - 2 * PAD) for value, width in zip(values, widths, strict=True)],
              widths)
    pdf.set_font(FONT, "", TABLE_FONT_SIZE)


def _draw_row(pdf: FPDF, cells: list[list[str]], widths: tuple[int, ...]) -> None:
    """One row at the current position: each cell's lines, vertically centred, in a border."""
    height = LINE * max(len(lines) for lines in cells)
    x, y = pdf.l_margin, pdf.get_y()
    baseline = 0.5 * LINE + 0.35 * pdf.font_size  # the middle of a line, less half a cap height
    for lines, width in zip(cells, widths, strict=True):
        pdf.rect(x, y, width, height)
        top = y + (height - LINE * len(lines)) / 2
        for index, line in enumerate(lines):
            if line:
                pdf.text(x + PAD, top + index * LINE + baseline, line)
        x += width
    pdf.set_y(y + height)


def text_width(pdf: FPDF, text: str) -> float:
    """`pdf.get_string_width(text)` for plain text in the current font (no markdown, no
    character spacing): the font's widths summed, without fpdf2's bidirectional-text pass,
    which cost more than drawing the cell."""
    assert pdf.current_font is not None
    return pdf.current_font.get_text_width(text, pdf.font_size_pt, None)[1] / pdf.k


def _fit(pdf: FPDF, text: str, width: float) -> list[str]:
    """`text` as the lines that fit `width` in the current font: one line when it fits (the
    common case, one measurement), else wrapped at spaces, a word wider than the column
    cut where it overflows. Nothing is dropped."""
    if text_width(pdf, text) <= width:
        return [text]
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if text_width(pdf, candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while text_width(pdf, word) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and text_width(pdf, word[:cut]) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    lines.append(line)
    return lines


def _on_time_row(label: str, figure: OnTime) -> list[Any]:
    share = f"{figure.on_time * 100 // figure.due} %" if figure.due else "—"
    return [label, figure.due, figure.on_time, share]


def _overdue_section(pdf: FPDF, figures: SummaryFigures) -> None:
    _heading(pdf, f"Overdue on {long_date(figures.period.as_of)}: {figures.overdue_total} cycles")
    if figures.overdue_total > len(figures.overdue):
        pdf.set_font(FONT, "", 9)
        note = f"The {len(figures.overdue)} longest overdue; evidence/course-cycles.csv lists all."
        pdf.multi_cell(0, 5, note, new_x="LMARGIN", new_y="NEXT")
    _table(pdf, ["Person", "Employee id", "Course", "Due", "Days overdue", "Reminders", "Escalations"],
           [[n, e, c, d.isoformat(), days, r, x] for n, e, c, d, days, r, x in figures.overdue],
           (45, 24, 33, 20, 18, 19, 21))
