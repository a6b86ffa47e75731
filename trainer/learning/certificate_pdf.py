"""Certificates as PDF: name, course, dates, content versions and the verification code.

fpdf2's built-in fonts are Latin-1 only ("Łukasz" would fail), so the DejaVu fonts shipped
in trainer/data/fonts are embedded (subset to the glyphs used).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from importlib import resources

from fpdf import FPDF
from sqlalchemy.orm import Session

from trainer.models import Certificate, User

FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
LINK_COLOUR = (0, 70, 160)  # the verify address is a link: blue and underlined, as on screen


@dataclasses.dataclass(frozen=True)
class CertificateFacts:
    """Everything printed on a certificate."""

    holder: str
    course: str
    completed_on: dt.date
    expires_on: dt.date | None
    versions: list[dict]
    code: str
    organisation: str
    verify_url: str


def find_certificate(session: Session, user_id: int, certificate_id: int) -> Certificate | None:
    """One of the person's own certificates; someone else's is treated as not existing."""
    certificate = session.get(Certificate, certificate_id)
    if certificate is None or certificate.user_id != user_id:
        return None
    return certificate


def certificate_facts(session: Session, certificate: Certificate, organisation: str,
                      base_url: str) -> CertificateFacts:
    holder = session.get(User, certificate.user_id)
    return CertificateFacts(
        holder=holder.name if holder else "",
        course=certificate.course.title,
        completed_on=certificate.completed_on,
        expires_on=certificate.expires_on,
        versions=list(certificate.versions),
        code=certificate.code,
        organisation=organisation,
        verify_url=f"{base_url.rstrip('/')}/verify/{certificate.code}",
    )


def certificate_pdf(facts: CertificateFacts) -> bytes:
    """An A4 landscape certificate."""
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_title(f"Certificate: {facts.course}")
    pdf.set_author(facts.organisation)
    pdf.set_creator("Trainer")
    add_fonts(pdf)
    pdf.set_margins(25, 20, 25)
    pdf.add_page()
    _heading(pdf, facts)
    _versions(pdf, facts.versions)
    _verification(pdf, facts)
    return bytes(pdf.output())


def add_fonts(pdf: FPDF) -> None:
    fonts = resources.files("trainer.data").joinpath("fonts")
    for style, name in FONT_FILES.items():
        with resources.as_file(fonts.joinpath(name)) as path:
            pdf.add_font(FONT, style, str(path))


def _line(pdf: FPDF, text: str, size: int, style: str = "", height: float = 10) -> None:
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(0, height, text, align="C", new_x="LMARGIN", new_y="NEXT")


def _heading(pdf: FPDF, facts: CertificateFacts) -> None:
    _line(pdf, f"{facts.organisation} training", 12)
    _line(pdf, "Certificate of completion", 28, "B", 16)
    pdf.ln(4)
    _line(pdf, "This certifies that", 12)
    _line(pdf, facts.holder, 24, "B", 13)
    _line(pdf, "completed the course", 12)
    _line(pdf, facts.course, 18, "B", 11)
    pdf.ln(2)
    valid = f"valid until {long_date(facts.expires_on)}" if facts.expires_on else "with no expiry date"
    _line(pdf, f"on {long_date(facts.completed_on)}, {valid}.", 12, "", 8)


def _versions(pdf: FPDF, versions: list[dict]) -> None:
    if not versions:
        return
    pdf.ln(4)
    _line(pdf, "Content completed", 10, "B", 6)
    text = "; ".join(f"{v['title']} (version {v['version']})" for v in versions)
    _line(pdf, text, 9, "", 5)


def _verification(pdf: FPDF, facts: CertificateFacts) -> None:
    pdf.ln(6)
    _line(pdf, f"Verification code: {facts.code}", 12, "B", 7)
    _line(pdf, "Check this certificate at", 9, "", 5)
    pdf.set_font(FONT, "U", 9)
    width = pdf.get_string_width(facts.verify_url) + 2
    pdf.set_x((pdf.w - width) / 2)
    pdf.set_text_color(*LINK_COLOUR)
    pdf.cell(width, 5, facts.verify_url, align="C", link=facts.verify_url, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)


def long_date(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"
