"""`trainer report ...`: completion matrix and audit evidence exports, monthly snapshots, the
dashboard's kept counts checked against the assignments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from trainer import audit, clock, jobs
from trainer.audit import Actor
from trainer.commands.options import as_of_option, scheduled_job
from trainer.compliance.counts import count_mismatches, merge_counts, rebuild_counts
from trainer.compliance.status import Thresholds
from trainer.extensions import db
from trainer.models import Course, Department
from trainer.reports.auditor_pack import PackRequest, write_pack
from trainer.reports.exports import FORMATS, Export, audit_evidence, completion_matrix, record_export
from trainer.reports.filters import ReportFilter
from trainer.reports.pack_data import pack_period
from trainer.reports.trend import take_snapshots

format_option = click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True)
department_option = click.option("--department", help="Only this department (its name).")
course_option = click.option("--course", help="Only this course (its slug).")
output_option = click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
                             help="Write to this file instead of standard output.")


@click.group("report", help="Reports for HR and auditors.")
def report_group() -> None:
    pass


@report_group.command("completion")
@format_option
@department_option
@course_option
@as_of_option
@output_option
@with_appcontext
def completion_command(fmt: str, department: str | None, course: str | None, as_of: dt.date | None,
                       output: Path | None) -> None:
    """The completion matrix: each active person's status in each course."""
    filters = _filters(department, course)
    record_export(db.session, Actor.cli(), "completion", fmt, filters)
    db.session.commit()
    thresholds = Thresholds.from_config(current_app.config)
    _write(completion_matrix(db.session, fmt, filters, clock.today(), thresholds), output)


@report_group.command("evidence")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="First day (YYYY-MM-DD).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="Last day, inclusive.")
@format_option
@department_option
@course_option
@as_of_option
@output_option
@with_appcontext
def evidence_command(start: dt.datetime, end: dt.datetime, fmt: str, department: str | None,
                     course: str | None, as_of: dt.date | None, output: Path | None) -> None:
    """Who completed which version of what, when, with what score, between two dates."""
    if start > end:
        raise click.BadParameter("--from is after --to.")
    filters = _filters(department, course)
    record_export(db.session, Actor.cli(), "evidence", fmt, filters,
                  start=start.date().isoformat(), end=end.date().isoformat())
    db.session.commit()
    _write(audit_evidence(db.session, fmt, filters, start.date(), end.date(), clock.today()), output)


@report_group.command("auditor-pack")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="First day of the period (YYYY-MM-DD).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True,
              help="Last day of the period, inclusive.")
@as_of_option
@department_option
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The zip file to write.")
@with_appcontext
def auditor_pack_command(start: dt.datetime, end: dt.datetime, as_of: dt.date | None, department: str | None,
                         output: Path) -> None:
    """One zip of evidence for a period: matrix, per-person CSVs, content, PDF summary, manifest.

    Figures are as of --as-of (default: the period's last day, or today if that is later);
    the same arguments on the same data give byte-identical files."""
    try:
        period = pack_period(start.date(), end.date(), as_of, clock.today())
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    filters = _filters(department, None)
    request = PackRequest(period, filters, department.strip() if department else "all departments",
                          current_app.config["ORGANISATION_NAME"], Thresholds.from_config(current_app.config))
    record_export(db.session, Actor.cli(), "auditor-pack", "zip", filters, start=period.start.isoformat(),
                  end=period.end.isoformat(), as_of=period.as_of.isoformat())
    db.session.commit()
    with output.open("wb") as handle:
        manifest = write_pack(db.session, request, handle)
    click.echo(f"Wrote {output}: {len(manifest['files'])} files, as of {period.as_of.isoformat()}.", err=True)


@report_group.command("snapshot")
@as_of_option
@with_appcontext
@scheduled_job("report snapshot")
def snapshot_command(as_of: dt.date | None) -> None:
    """Keep past months' compliance for the dashboard's trend (run monthly or daily from cron)."""
    taken = take_snapshots(db.session, Actor.cli(), clock.today(), Thresholds.from_config(current_app.config))
    db.session.commit()
    if taken:
        click.echo(f"Snapshots taken for {', '.join(d.isoformat() for d in taken)}.")
    else:
        click.echo("Every month of the past year already has its snapshot.")


@report_group.command("counts")
@click.option("--repair", is_flag=True, help="Recount them from the assignments when they differ.")
@with_appcontext
def counts_command(repair: bool) -> None:
    """Check the HR dashboard's kept counts against a recount of the assignments (exit 1
    when they differ and --repair was not given)."""
    jobs.serialize(db.session, "assignments")  # no sync merges them meanwhile
    merge_counts(db.session)
    differences = count_mismatches(db.session)
    if not differences:
        db.session.commit()
        click.echo("The dashboard's counts equal a recount of the assignments.")
        return
    click.echo(f"{len(differences)} of the dashboard's counts differ from a recount:", err=True)
    for m in differences[:20]:
        department, course, stage, due_on, expires_on = m.key
        click.echo(f"  department {department}, course {course}, {stage}, due {due_on}, expires "
                   f"{expires_on}: kept {m.stored}, recounted {m.live}", err=True)
    if not repair:
        raise SystemExit(1)
    rebuild_counts(db.session)
    audit.record(db.session, Actor.cli(), "report.counts_rebuilt", differences=len(differences))
    db.session.commit()
    click.echo("Recounted: the dashboard's counts now equal the assignments.")


def _filters(department: str | None, course: str | None) -> ReportFilter:
    department_id = course_id = None
    if department:
        department_id = db.session.scalar(
            select(Department.id).where(func.lower(Department.name) == department.strip().lower()))
        if department_id is None:
            raise click.BadParameter(f"there is no department {department!r}.", param_hint="--department")
    if course:
        course_id = db.session.scalar(select(Course.id).where(Course.slug == course.strip()))
        if course_id is None:
            raise click.BadParameter(f"there is no course {course!r}.", param_hint="--course")
    return ReportFilter(department_id=department_id, course_id=course_id)


def _write(export: Export, output: Path | None) -> None:
    if output is None:
        for chunk in export.chunks:
            click.echo(chunk, nl=False)
        return
    with output.open("w", encoding="utf-8", newline="") as handle:
        for chunk in export.chunks:
            handle.write(chunk)
    click.echo(f"Wrote {output}.", err=True)
