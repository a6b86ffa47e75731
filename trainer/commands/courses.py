"""`trainer courses validate|import|export`: course files <-> the database."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from trainer import clock
from trainer.audit import Actor
from trainer.commands.options import as_of_option, scheduled_job
from trainer.compliance.impact import measure, preview
from trainer.compliance.publishing import CourseFiles, publish_content
from trainer.config import ConfigError
from trainer.content import (
    ExportError,
    ValidationFailed,
    export_courses,
    validate_courses,
)
from trainer.content.errors import ContentError
from trainer.content.quality import course_warnings
from trainer.content.review import file_findings
from trainer.extensions import db
from trainer.notify.mailer import MailNotConfigured
from trainer.notify.run import send_review_reminders
from trainer.notify.settings import ReminderSettings

PATH = click.Path(path_type=Path)


@click.group("courses", help="Validate, import and export course files (Markdown).")
def courses_group() -> None:
    pass


@courses_group.command("validate")
@click.argument("path", type=PATH, default=Path("courses"))
@click.option("--strict", is_flag=True,
              help="Treat quiz-quality, reading-time and missing-owner warnings as errors (exit status 1). "
                   "An overdue content review stays a warning.")
def validate_command(path: Path, strict: bool) -> None:
    """Check every course file under PATH (default: courses) and list every problem.

    Quiz-quality, reading-time and content-review warnings (docs/authoring.md) are printed
    too; they make the command fail only with --strict. An overdue review is a reminder and
    never fails it: a date passing is no reason to fail a build.
    """
    courses, errors = validate_courses(path)
    if errors:
        _fail(errors)
    review = file_findings(courses, clock.today())
    warnings = sorted([*course_warnings(courses), *review.warnings], key=lambda w: (w.path, w.line))
    for notice in review.overdue:
        click.echo(f"{notice.path}:{notice.line}: warning: {notice.message}", err=True)
    if warnings and strict:
        _fail(list(warnings), "--strict: quiz-quality, reading-time and content-review warnings count as "
                              "errors.")
    for warning in warnings:
        click.echo(f"{warning.path}:{warning.line}: warning: {warning.message}", err=True)
    modules = [m.module for course in courses for m in course.modules]
    questions = sum(len(module.questions) for module in modules)
    found = f"{len(warnings)} warning(s) (--strict makes them errors)" if warnings else "no problems found"
    if review.overdue:
        found += f"; {len(review.overdue)} content review(s) overdue"
    click.echo(f"{len(courses)} course(s), {len(modules)} module(s), {questions} quiz question(s): {found}.")


@courses_group.command("import")
@click.argument("path", type=PATH, default=Path("courses"))
@click.option("--dry-run", is_flag=True, help="Say what would change; save nothing.")
@click.option("--prefer-files", is_flag=True,
              help="Where a file changed and the web edited the same module since the last import, "
                   "import the file anyway (a new version; the web's versions stay in the history).")
@with_appcontext
def import_command(path: Path, dry_run: bool, prefer_files: bool) -> None:
    """Import the course files under PATH (default: courses): new versions for changed modules.

    A file unchanged since its last import leaves the module alone, even if the web editor
    published newer versions since. A file that changed while the web edited the same module
    is a conflict: reported, not imported, exit status 1 (the rest is imported) -- unless
    --prefer-files. `trainer courses export --update` brings web edits into the files.
    """
    source = CourseFiles(path, prefer_files=prefer_files)
    window = int(current_app.config["REFRESHER_WINDOW_DAYS"])
    try:
        # A dry run is the real import and its follow-up in a savepoint that is undone, so
        # its impact is exactly what the import would do.
        published, impact = (preview if dry_run else measure)(db.session, lambda: publish_content(
            db.session, Actor.cli(), clock.today(), source, refresher_window_days=window), clock.today())
    except ValidationFailed as failed:
        db.session.rollback()
        _fail(failed.errors, "Nothing was imported.")
    report, follow_up = published.report, published.follow_up
    assert report is not None
    report.dry_run = dry_run
    for line in report.lines():
        click.echo(line)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()  # the file hashes are remembered even when nothing else changed
    click.echo(report.summary())
    if follow_up is not None and not dry_run:
        click.echo(f"Compliance: {follow_up.summary()}.")
    for line in impact.lines():
        click.echo(line if line.startswith(" ") else f"Impact{' (not applied)' if dry_run else ''}: {line}")
    if report.conflicts:
        for conflict in report.conflicts:
            click.echo(f"conflict: {conflict}", err=True)
        click.echo(f"{len(report.conflicts)} file(s) not imported: the web edited them since the last "
                   "import. Run `trainer courses export --update DIR` and commit, or use --prefer-files.",
                   err=True)
        raise SystemExit(1)


@courses_group.command("export")
@click.argument("directory", type=PATH)
@click.option("--update", is_flag=True,
              help="Write over the course folders already in DIRECTORY (e.g. your Git checkout of "
                   "courses/) and delete module files the database no longer has; review with git diff.")
@with_appcontext
def export_command(directory: Path, update: bool) -> None:
    """Write every active course as files into DIRECTORY (new or empty, unless --update).

    This brings web edits back into the files; importing the exported files afterwards
    changes nothing.
    """
    try:
        result = export_courses(db.session, directory, update=update)
    except ExportError as error:
        raise click.ClickException(str(error)) from None
    for removed in result.removed:
        click.echo(f"removed {removed}")
    click.echo(f"Exported {result.courses} course(s) and {result.modules} module(s) to {directory}.")


@courses_group.command("review-reminders")
@as_of_option
@click.option("--dry-run", is_flag=True, help="Say which reminders are due; save and send nothing.")
@with_appcontext
@scheduled_job("courses review-reminders")
def review_reminders_command(as_of: dt.date | None, dry_run: bool) -> None:
    """E-mail each course's owner when its content review is due within 30 days, and again
    when it is overdue (each once per review cycle; cron-safe, daily is enough).
    Exits 1 when an e-mail could not be delivered."""
    try:
        settings = ReminderSettings.from_config(current_app.config)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    try:
        summary = send_review_reminders(db.session, settings, clock.today(), dry_run=dry_run,
                                        actor=Actor.cli())
    except MailNotConfigured as error:
        raise click.ClickException(f"{error.reason}. Nothing was planned or sent.") from None
    click.echo(summary.text())
    if not summary.ok:
        sys.exit(1)


def _fail(errors: list[ContentError], note: str = "") -> None:
    for error in errors:
        click.echo(str(error), err=True)
    click.echo(f"{len(errors)} problem(s) found. {note}".rstrip(), err=True)
    raise SystemExit(1)
