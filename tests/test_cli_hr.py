"""`trainer report`, `trainer users import`, `trainer tokens` and the demo's history."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from sqlalchemy import func, select

from tests.factories import make_course, make_user
from tests.reports.dataset import build_org
from trainer import clock
from trainer.compliance.status import Thresholds
from trainer.models import (
    ApiToken,
    Assignment,
    AuditEvent,
    ComplianceSnapshot,
    QuizAttempt,
    RegulationUpdate,
    User,
)
from trainer.reports.dashboard import compliance_overview
from trainer.reports.filters import ReportFilter

HEADER = "email,name,department,job_role,manager_email,hired_on,active\n"


def test_report_completion_to_stdout_and_to_a_file(runner, session, tmp_path):
    build_org(session)
    result = runner.invoke(args=["report", "completion", "--as-of", "2026-06-15", "--department", "sales"])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output)))
    assert [(r[0], r[2], r[7]) for r in rows[1:]] == [
        ("2026-06-15", "sam@example.com", "completed"), ("2026-06-15", "sara@example.com", "overdue"),
        ("2026-06-15", "sid@example.com", "in_progress")]
    target = tmp_path / "matrix.json"
    result = runner.invoke(args=["report", "completion", "--format", "json", "--as-of", "2026-06-15",
                                 "--output", str(target)])
    assert result.exit_code == 0, result.output
    document = json.loads(target.read_text())
    assert document["as_of"] == "2026-06-15" and len(document["employees"]) == 5
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "report.exported"))
    assert event.actor_label == "cli" and event.details["report"] == "completion"
    unknown = runner.invoke(args=["report", "completion", "--department", "Nowhere"])
    assert unknown.exit_code == 2 and "there is no department 'Nowhere'" in unknown.output


def test_report_evidence_and_snapshot(runner, session):
    build_org(session)
    evidence = runner.invoke(args=["report", "evidence", "--from", "2026-01-01", "--to", "2026-03-31",
                                   "--as-of", "2026-06-15"])
    rows = list(csv.reader(io.StringIO(evidence.output)))
    assert rows[0][:5] == ["as_of", "kind", "completed", "employee_id", "email"]
    assert {(r[0], r[1], r[4]) for r in rows[1:]} == {("2026-06-15", "course", "sam@example.com"),
                                                      ("2026-06-15", "course", "uma@example.com")}
    first = runner.invoke(args=["report", "snapshot", "--as-of", "2026-06-15"])
    assert "Snapshots taken for 2025-07-31" in first.output
    again = runner.invoke(args=["report", "snapshot", "--as-of", "2026-06-15"])
    assert "already has its snapshot" in again.output
    assert session.scalar(select(func.count(func.distinct(ComplianceSnapshot.month_end)))) == 11


def test_users_import_dry_run_then_for_real(runner, session, tmp_path):
    make_user(session, email="gone@example.com", name="Gone")
    session.commit()
    staff = tmp_path / "staff.csv"
    staff.write_text(HEADER + "ann@example.com,Ann,Sales,Agent,,2026-01-02,\n"
                              "lead@example.com,Lead,Sales,,,,\n")
    dry = runner.invoke(args=["users", "import", str(staff), "--dry-run", "--deactivate-missing",
                              "--allow-mass-deactivation", "1"])
    assert dry.exit_code == 0, dry.output
    assert "2 created, 0 updated, 1 deactivated" in dry.output
    assert "Dry run: nothing was changed." in dry.output
    assert "- gone@example.com (deactivate)" in dry.output
    assert session.scalar(select(func.count()).select_from(User)) == 1
    # One leaver of one active person is more than 10 %: the number must be confirmed.
    held = runner.invoke(args=["users", "import", str(staff), "--deactivate-missing"])
    assert held.exit_code == 1
    assert "would deactivate 1 of 1 active people, more than 10 %" in held.output
    assert "If it is, confirm with --allow-mass-deactivation 1." in held.output
    wrong = runner.invoke(args=["users", "import", str(staff), "--deactivate-missing",
                                "--allow-mass-deactivation", "2"])
    assert wrong.exit_code == 1 and "not the 2 you expected" in wrong.output
    assert session.scalar(select(func.count()).select_from(User)) == 1
    real = runner.invoke(args=["users", "import", str(staff), "--deactivate-missing",
                               "--allow-mass-deactivation", "1"])
    assert real.exit_code == 0, real.output
    assert "Imported: 2 created, 0 updated, 1 deactivated" in real.output
    session.expire_all()
    assert session.scalar(select(User.active).where(User.email == "gone@example.com")) is False


def test_users_import_reports_bad_rows_and_applies_nothing_unless_told(runner, session, tmp_path):
    staff = tmp_path / "staff.csv"
    staff.write_text(HEADER + "ann@example.com,Ann,,,,,\nbad-address,Bob,,,,,\n"
                              "c@example.com,C,,,,31/12/2025,\n")
    refused = runner.invoke(args=["users", "import", str(staff)])
    assert refused.exit_code == 1
    assert "line 3: bad e-mail 'bad-address'" in refused.output
    assert "line 4: bad date '31/12/2025' in hired_on" in refused.output
    assert "2 rows have errors; nothing was imported" in refused.output
    assert session.scalar(select(func.count()).select_from(User)) == 0
    skipped = runner.invoke(args=["users", "import", str(staff), "--skip-bad-rows"])
    assert skipped.exit_code == 0 and "1 created" in skipped.output and "2 bad rows skipped" in skipped.output


def test_tokens_create_list_revoke(runner, session):
    make_user(session, email="hr@example.com", roles=("hr",))
    session.commit()
    created = runner.invoke(args=["tokens", "create", "--name", "HRIS", "--scope", "read", "--scope", "sync",
                                  "--expires-days", "30", "--owner", "hr@example.com"])
    assert created.exit_code == 0, created.output
    plain = created.output.split("store it now): ")[1].strip()
    assert plain.startswith("trn_")
    token = session.scalar(select(ApiToken))
    assert token.scopes == ["read", "sync"] and token.created_by_id is not None
    listing = runner.invoke(args=["tokens", "list"]).output
    assert f"{token.prefix}…  HRIS  [read, sync]  expires" in listing and plain not in listing
    assert "is revoked" in runner.invoke(args=["tokens", "revoke", str(token.id)]).output
    assert "revoked" in runner.invoke(args=["tokens", "list"]).output
    assert runner.invoke(args=["tokens", "revoke", "999"]).exit_code == 1
    employee = make_user(session, email="e@example.com")
    session.commit()
    refused = runner.invoke(args=["tokens", "create", "--name", "X", "--scope", "read",
                                  "--owner", employee.email])
    assert refused.exit_code == 1 and "neither HR nor an administrator" in refused.output


def test_demo_replays_two_years_with_whatever_courses_exist(app, runner, session, auth, client):
    for _ in range(2):
        make_course(session, modules=3, kinds=("lesson", "lesson", "policy"))
    session.commit()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assignments = session.scalars(select(Assignment)).all()
    reasons = {a.reason for a in assignments}
    assert {"requirement", "refresher", "regulation_update", "new_hire"} <= reasons
    assert session.scalar(select(func.count()).select_from(QuizAttempt).where(QuizAttempt.passed.is_(False)))
    assert session.scalar(select(RegulationUpdate.published_at)) is not None
    assert session.scalar(select(func.count(func.distinct(ComplianceSnapshot.month_end)))) == 11
    overview = compliance_overview(session, clock.today(), Thresholds(), ReportFilter()).total
    assert overview["overdue"] and overview["expiring"] and overview["completed"]
    logins = Path(app.instance_path, "demo-logins.txt").read_text().splitlines()
    _, email, _, password = next(line for line in logins if line.startswith("hr ")).split()
    auth.login(email, password)
    html = client.get("/hr/").get_data(as_text=True)
    percent = int(re.search(r'<p class="figure-value">(\d+)%</p>', html).group(1))
    assert f'<a href="/hr/overdue">{overview["overdue"]}</a>' in html and 30 < percent < 100
