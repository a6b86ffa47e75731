"""The auditor pack: contents as of a date, leavers kept under pseudonym, reproducible bytes."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.compliance.helpers import complete_course, complete_module, current, require, sync
from tests.factories import make_course, make_user
from trainer import clock
from trainer.audit import Actor
from trainer.compliance.regulation_updates import acknowledge_update, publish_update
from trainer.compliance.status import Thresholds
from trainer.models import AuditEvent, Certificate, Notification, RegulationUpdate
from trainer.people.accounts import deactivate_user
from trainer.people.retention import pseudonymise
from trainer.reports.auditor_pack import PackRequest, pack_bytes
from trainer.reports.filters import ReportFilter
from trainer.reports.pack_data import Period, pack_period

D = dt.date
JAN = D(2026, 1, 5)
PACK_ARGS = ["report", "auditor-pack", "--from", "2026-01-01", "--to", "2026-06-30"]


@pytest.fixture
def scenario(session):
    """Privacy (a lesson and a policy, due in 30 days) for everyone from 5 January.

    Ada completes on 20 Jan and acknowledges a regulation update on 10 Mar (due 15 Mar);
    Eve completes on 22 Jan and never acknowledges it; Ben never
    starts and is reminded and escalated; Cy completes on 25 Jan, leaves on 1 Feb and is
    pseudonymised on 1 Apr; Dee (Support) completes on 1 Jul, after the period.
    """
    with clock.frozen(D(2025, 12, 1)):
        course = make_course(session, slug="privacy", title="Privacy", modules=2, kinds=("lesson", "policy"))
    manager = make_user(session, name="Mia Manager", email="mia@example.com", department="Sales")
    ada = make_user(session, name="Ada Able", email="ada@example.com", department="Sales")
    ben = make_user(session, name="Ben Late", email="ben@example.com", department="Sales", manager=manager)
    cy = make_user(session, name="Cy Leaver", email="cy@example.com", department="Sales")
    dee = make_user(session, name="Dee Support", email="dee@example.com", department="Support")
    eve = make_user(session, name="Eve Unread", email="eve@example.com", department="Sales")
    ada.employee_id, ben.employee_id = "E-001", "E-002"
    require(session, course)
    sync(session, JAN)
    complete_course(session, ada, course, D(2026, 1, 20))
    complete_course(session, cy, course, D(2026, 1, 25))
    complete_course(session, eve, course, D(2026, 1, 22))
    with clock.frozen(D(2026, 2, 1)):
        deactivate_user(session, Actor.cli(), cy)
    sync(session, D(2026, 2, 1))
    ben_cycle = current(session, ben, course)
    for kind, day, to in (("overdue", 6, ben), ("overdue", 13, ben), ("escalation", 13, manager)):
        sent = dt.datetime(2026, 2, day, 9, tzinfo=dt.UTC)
        session.add(Notification(user_id=to.id, subject_user_id=ben.id, assignment_id=ben_cycle.id, kind=kind,
                                 dedupe_key=f"{kind}:{day}:{to.id}", channel="email", created_at=sent,
                                 sent_at=sent))
    update = RegulationUpdate(title="Breach notice", regulation="GDPR Art. 33", summary="Read.",
                              summary_html="<p>Read.</p>", effective_on=D(2026, 3, 1), action="acknowledge",
                              due_days=14, modules=[course.active_modules[0]])
    session.add(update)
    session.flush()
    with clock.frozen(D(2026, 3, 1)):
        publish_update(session, Actor.cli(), update, D(2026, 3, 1))
    with clock.frozen(D(2026, 3, 10)):
        acknowledge_update(session, Actor.cli(), ada.id, update.id)
    with clock.frozen(D(2026, 4, 1)):
        pseudonymise(session, Actor.cli(), cy)
    complete_module(session, dee, course.active_modules[0], D(2026, 7, 1))
    session.commit()
    return {"course": course, "ada": ada, "ben": ben, "cy": cy, "dee": dee, "eve": eve, "manager": manager}


def read_pack(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as pack:
        return {name: pack.read(name) for name in pack.namelist()}


def rows(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(files[name].decode("utf-8"))))


PERIOD_START, PERIOD_END = D(2026, 1, 1), D(2026, 6, 30)


def make_pack(session, start=PERIOD_START, end=PERIOD_END, as_of=None, **filters) -> dict[str, bytes]:
    period = Period(start, end, as_of or end)
    request = PackRequest(period, ReportFilter(**filters), "all departments", "Example Ltd", Thresholds())
    return read_pack(pack_bytes(session, request))


def test_two_packs_of_the_same_arguments_have_identical_file_hashes(runner, session, scenario, tmp_path):
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    for target in (first, second):
        result = runner.invoke(args=[*PACK_ARGS, "--output", str(target)])
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    files = read_pack(first.read_bytes())
    manifest = json.loads(files["manifest.json"])
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json"}
    for path, content in files.items():
        if path != "manifest.json":
            assert hashlib.sha256(content).hexdigest() == listed[path], path
    assert manifest["period"] == {"from": "2026-01-01", "to": "2026-06-30"}
    assert manifest["as_of"] == "2026-06-30"  # defaults to the period's last day
    exports = session.scalars(select(AuditEvent).where(AuditEvent.action == "report.exported")).all()
    assert [e.details["report"] for e in exports] == ["auditor-pack", "auditor-pack"]


def test_audit_head_is_the_last_event_by_the_as_of_day_not_the_export_records(session, scenario):
    files = make_pack(session, end=D(2026, 3, 31))
    head = json.loads(files["manifest.json"])["audit_chain_head"]
    cutoff = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    last = session.scalars(select(AuditEvent)
                           .where(AuditEvent.at < cutoff, AuditEvent.action != "report.exported")
                           .order_by(AuditEvent.id.desc())).first()
    assert head == {"event_id": last.id, "hash": last.hash, "at": last.at.isoformat()}
    assert last.action == "regulation_update.acknowledged"  # the pseudonymisation on 1 Apr is after


def test_matrix_and_cycles_as_of_the_date(session, scenario):
    files = make_pack(session)
    matrix = {r["person"]: r for r in rows(files, "completion-matrix.csv")}
    assert matrix["Ada Able"]["privacy status"] == "completed"
    assert matrix["Ada Able"]["privacy completed_on"] == "2026-01-20"
    assert matrix["Ben Late"]["privacy status"] == "overdue"
    assert matrix["Dee Support"]["privacy status"] == "overdue"  # completes after the as-of date
    assert scenario["cy"].name not in matrix  # left on 1 Feb: no cycle in force on 30 Jun
    cycles = {r["person"]: r for r in rows(files, "evidence/course-cycles.csv")}
    ben = cycles["Ben Late"]
    assert (ben["employee_id"], ben["reminders_sent"], ben["escalations_sent"]) == ("E-002", "2", "1")
    ada = scenario["ada"]
    ada_certificate = session.scalar(select(Certificate.code).where(Certificate.user_id == ada.id))
    assert cycles["Ada Able"]["certificate"] == ada_certificate
    leaver = cycles[scenario["cy"].name]  # the leaver is there, under the pseudonym
    assert leaver["person"].startswith("Former employee ") and leaver["completed_on"] == "2026-01-25"
    assert (leaver["closed_on"], leaver["closed_reason"]) == ("2026-02-01", "deactivated")
    assert "Cy Leaver" not in b"".join(files.values()).decode("utf-8", "replace")


def test_an_acknowledgement_is_outstanding_until_its_due_date_and_overdue_after(session, scenario):
    def eve_on(day):
        acks = rows(make_pack(session, end=day), "evidence/acknowledgements.csv")
        return next(r["status_as_of"] for r in acks
                    if r["kind"] == "regulation_update" and r["person"] == "Eve Unread")

    assert eve_on(D(2026, 3, 15)) == "outstanding"  # the due date itself
    assert eve_on(D(2026, 3, 16)) == "overdue"


def test_an_earlier_as_of_date_masks_what_happened_later(session, scenario):
    files = make_pack(session, end=D(2026, 1, 15))
    matrix = {r["person"]: r for r in rows(files, "completion-matrix.csv")}
    assert matrix["Ada Able"]["privacy status"] == "not_started"
    assert matrix["Ada Able"]["privacy completed_on"] == ""
    assert rows(files, "evidence/module-completions.csv") == []
    cycles = {r["person"]: r for r in rows(files, "evidence/course-cycles.csv")}
    assert cycles["Ada Able"]["certificate"] == "" and cycles["Ben Late"]["reminders_sent"] == "0"
    leaver = cycles[scenario["cy"].name]  # closed on 1 Feb: not yet, as of 15 Jan
    assert (leaver["closed_on"], leaver["closed_reason"]) == ("", "")
    assert rows(files, "evidence/acknowledgements.csv") == []  # the update came in March


def test_completions_acknowledgements_and_content_carry_matching_hashes(session, scenario):
    files = make_pack(session)
    completions = rows(files, "evidence/module-completions.csv")
    ada = [r for r in completions if r["person"] == "Ada Able"]
    assert [(r["module"], r["method"], r["score"]) for r in ada] == [
        (scenario["course"].active_modules[0].slug, "quiz", "100"),
        (scenario["course"].active_modules[1].slug, "acknowledgement", "100")]
    assert all(r["completed_at"].startswith("2026-01-20T") for r in ada)
    assert "Dee Support" not in {r["person"] for r in completions}  # 1 July is after the period
    acks = rows(files, "evidence/acknowledgements.csv")
    policy = [r for r in acks if r["kind"] == "policy" and r["person"] == "Ada Able"]
    assert len(policy) == 1
    course, module = policy[0]["subject"].split("/")
    source = files[f"content/{course}/{module}/v{policy[0]['version']}.md"]
    assert policy[0]["source_sha256"] == hashlib.sha256(source).hexdigest()
    updates = {r["person"]: r["status_as_of"] for r in acks if r["kind"] == "regulation_update"}
    assert updates == {"Ada Able": "acknowledged", "Eve Unread": "overdue"}
    versions = rows(files, "content/versions.csv")
    sources = {p for p in files if p.startswith("content/") and p.endswith(".md")}
    assert {v["file"] for v in versions} == sources
    assert files["summary.pdf"].startswith(b"%PDF")


def test_a_department_pack_holds_only_that_department(session, scenario):
    sales = scenario["ada"].department_id
    files = make_pack(session, department_id=sales)
    people = {r["person"] for r in rows(files, "completion-matrix.csv")}
    assert "Dee Support" not in people and "Ada Able" in people
    assert "Dee Support" not in {r["person"] for r in rows(files, "evidence/course-cycles.csv")}


@pytest.mark.parametrize(("start", "end", "as_of", "message"), [
    (D(2026, 2, 1), D(2026, 1, 31), None, "starts after it ends"),
    (D(2026, 1, 1), D(2026, 6, 30), D(2026, 6, 29), "ends after the as-of date"),
    (D(2026, 1, 1), D(2026, 7, 1), None, "ends after the as-of date 2026-06-30"),  # today is 30 Jun
])
def test_impossible_periods_are_refused(start, end, as_of, message):
    with pytest.raises(ValueError, match=message):
        pack_period(start, end, as_of, D(2026, 6, 30))


def test_period_boundaries_are_accepted():
    assert pack_period(D(2026, 1, 1), D(2026, 1, 1), None, D(2026, 1, 1)) == Period(
        D(2026, 1, 1), D(2026, 1, 1), D(2026, 1, 1))
    assert pack_period(D(2026, 1, 1), D(2026, 3, 31), None, D(2026, 6, 30)).as_of == D(2026, 3, 31)


def test_cli_refuses_a_bad_period_and_an_unknown_department(runner, session, scenario, tmp_path):
    target = tmp_path / "pack.zip"
    backwards = runner.invoke(args=["report", "auditor-pack", "--from", "2026-02-01", "--to", "2026-01-01",
                                    "--output", str(target)])
    assert backwards.exit_code == 2 and "starts after it ends" in backwards.output
    unknown = runner.invoke(args=[*PACK_ARGS, "--department", "Nowhere", "--output", str(target)])
    assert unknown.exit_code == 2 and "there is no department 'Nowhere'" in unknown.output
    assert not target.exists()


def test_the_pdf_summary_shows_figures_overdue_people_and_the_standards(session, scenario):
    pdf = PdfReader(io.BytesIO(make_pack(session)["summary.pdf"]))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)
    assert "Period: 1 January 2026 to 30 June 2026; figures as of 30 June 2026." in text
    assert "Ben Late E-002 privacy 2026-02-04" in text  # due, then days overdue, reminders, escalations
    assert "146 2 1" in text
    for control in ("ISO/IEC 27001:2022 A.6.3", "SOC 2 CC1.4", "CC2.2", "PCI DSS v4.0.1 12.6.1", "12.6.3",
                    "GDPR Art. 39(1)(b)", "32(4)"):
        assert control in text, control
