"""Certificates (PDF, verification) and the transcript: complete, own data only."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader
from sqlalchemy import select

from tests.compliance.helpers import complete_course, require, sync
from tests.factories import make_course, make_user
from trainer import clock
from trainer.models import Certificate

D = dt.date


COMPLETED = D(2026, 1, 20)


def certified(session, email="lukasz@example.com", name="Łukasz Żółkiewski-Ørsted", day=COMPLETED):
    user = make_user(session, email=email, name=name)
    course = make_course(session, title="Breach response", refresher_months=12)
    require(session, course, user_ids=[user.id])
    sync(session, D(2026, 1, 5))
    complete_course(session, user, course, day)
    session.commit()
    return user, course


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_certificate_pdf_prints_a_non_latin1_name_course_dates_versions_and_code(session, client, auth):
    certified(session)
    certificate = session.scalar(select(Certificate))
    auth.login("lukasz@example.com")
    response = client.get(f"/me/certificates/{certificate.id}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    text = pdf_text(response.data)
    assert "Łukasz Żółkiewski-Ørsted" in text
    assert "Breach response" in text
    assert "20 January 2026" in text and "20 January 2027" in text
    assert certificate.code in text
    assert "Module 1 v1 (version 1)" in text
    assert f"http://trainer.test/verify/{certificate.code}" in text
    # The verify address is a link, not only text (issue 19.1).
    [annotation] = [a.get_object() for a in PdfReader(io.BytesIO(response.data)).pages[0]["/Annots"]]
    assert annotation["/A"]["/URI"] == f"http://trainer.test/verify/{certificate.code}"


def test_someone_elses_certificate_is_not_found(session, client, auth):
    certified(session)
    make_user(session, email="eve@example.com")
    session.commit()
    certificate = session.scalar(select(Certificate))
    auth.login("eve@example.com")
    assert client.get(f"/me/certificates/{certificate.id}.pdf").status_code == 404
    assert client.get("/me/certificates/999.pdf").status_code == 404


def test_verify_shows_genuine_current_then_expired_revealing_only_name_course_dates(session, client):
    user, _ = certified(session, name="Ada Lovelace")
    code = session.scalar(select(Certificate)).code
    with clock.frozen(D(2026, 6, 1)):
        page = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Genuine and current" in page and "Ada Lovelace" in page and "Breach response" in page
    assert "20 Jan 2026" in page and "20 Jan 2027" in page
    assert user.email not in page and "Customer Service" not in page
    with clock.frozen(D(2027, 1, 21)):
        page = client.get(f"/verify/{code.lower().replace('-', '')}").get_data(as_text=True)
    assert "Genuine, but expired" in page


def test_verify_unknown_code_is_not_found_with_a_clear_message(client):
    response = client.get("/verify/ABCD-EFGH-JKMN")
    assert response.status_code == 404
    assert "No certificate has the code" in response.get_data(as_text=True)
    form = client.get("/verify?code=abcd efgh jkmn")
    assert form.status_code == 302 and form.location.startswith("/verify/")


def test_recertification_issues_a_new_certificate_and_the_old_one_expires(session, client):
    user, course = certified(session, name="Ada Lovelace")
    sync(session, D(2026, 12, 25))  # the refresher window opens
    complete_course(session, user, course, D(2027, 1, 10))
    session.commit()
    old, new = session.scalars(select(Certificate).order_by(Certificate.id)).all()
    assert new.expires_on == D(2028, 1, 20)
    with clock.frozen(D(2027, 2, 1)):
        assert "Genuine, but expired" in client.get(f"/verify/{old.code}").get_data(as_text=True)
        assert "Genuine and current" in client.get(f"/verify/{new.code}").get_data(as_text=True)


def test_transcript_lists_cycles_attempts_completions_and_certificates_of_mine_only(session, client, auth):
    certified(session, email="ada@example.com", name="Ada Lovelace")
    other = make_user(session, email="eve@example.com")
    other_course = make_course(session, title="Eve's secret course")
    require(session, other_course, user_ids=[other.id])
    sync(session, D(2026, 1, 5))
    complete_course(session, other, other_course, D(2026, 1, 6))
    session.commit()
    auth.login("ada@example.com")
    page = client.get("/me/transcript").get_data(as_text=True)
    assert "Breach response" in page
    assert "Eve&#39;s secret course" not in page and "Eve's secret course" not in page
    assert "Cycles" in page and "Completed modules" in page and "Quiz passed (100%)" in page
    mine = session.scalar(select(Certificate).where(Certificate.user_id != other.id))
    theirs = session.scalar(select(Certificate).where(Certificate.user_id == other.id))
    assert mine.code in page and theirs.code not in page
