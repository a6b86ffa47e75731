"""`trainer courses validate|import|export`: course files <-> the database."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from trainer import clock
from trainer.audit import Actor
from trainer.compliance.publishing import CourseFiles, publish_content
from trainer.content import (
    ExportError,
    ValidationFailed,
    export_courses,
    import_courses,
    validate_courses,
)
from trainer.content.errors import ContentError
from trainer.content.quality import course_warnings
from trainer.extensions import db

PATH = click.Path(path_type=Path)


@click.group("courses", help="Validate, import and export course files (Markdown).")
def courses_group() -> None:
    pass


@courses_group.command("validate")
@click.argument("path", type=PATH, default=Path("courses"))
@click.option("--strict", is_flag=True,
              help="Treat quiz-quality and reading-time warnings as errors (exit status 1).")
def validate_command(path: Path, strict: bool) -> None:
    """Check every course file under PATH (default: courses) and list every problem.

    Quiz-quality and reading-time warnings (docs/authoring.md) are printed too; they make the
    command fail only with --strict.
    """
    courses, errors = validate_courses(path)
    if errors:
        _fail(errors)
    warnings = course_warnings(courses)
    if warnings and strict:
        _fail(list(warnings), "--strict: quiz-quality and reading-time warnings count as errors.")
    for warning in warnings:
        click.echo(f"{warning.path}:{warning.line}: warning: {warning.message}", err=True)
    modules = [m.module for course in courses for m in course.modules]
    questions = sum(len(module.questions) for module in modules)
    found = f"{len(warnings)} warning(s) (--strict makes them errors)" if warnings else "no problems found"
    click.echo(f"{len(courses)} course(s), {len(modules)} module(s), {questions} quiz question(s): {found}.")


@courses_group.command("import")
@click.argument("path", type=PATH, default=Path("courses"))
@click.option("--dry-run", is_flag=True, help="Say what would change; save nothing.")
@with_appcontext
def import_command(path: Path, dry_run: bool) -> None:
    """Import the course files under PATH (default: courses): new versions for changed modules."""
    try:
        if dry_run:
            report = import_courses(db.session, path, Actor.cli(), dry_run=True)
            follow_up = None
        else:
            published = publish_content(
                db.session, Actor.cli(), clock.today(), CourseFiles(path),
                refresher_window_days=int(current_app.config["REFRESHER_WINDOW_DAYS"]))
            assert published.report is not None
            report, follow_up = published.report, published.follow_up
    except ValidationFailed as failed:
        db.session.rollback()
        _fail(failed.errors, "Nothing was imported.")
    for line in report.lines():
        click.echo(line)
    if follow_up is None:
        db.session.rollback()
        click.echo(report.summary())
        return
    db.session.commit()
    click.echo(report.summary())
    click.echo(f"Compliance: {follow_up.summary()}.")


@courses_group.command("export")
@click.argument("directory", type=PATH)
@with_appcontext
def export_command(directory: Path) -> None:
    """Write every active course as files into DIRECTORY (new or empty)."""
    try:
        result = export_courses(db.session, directory)
    except ExportError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Exported {result.courses} course(s) and {result.modules} module(s) to {directory}.")


def _fail(errors: list[ContentError], note: str = "") -> None:
    for error in errors:
        click.echo(str(error), err=True)
    click.echo(f"{len(errors)} problem(s) found. {note}".rstrip(), err=True)
    raise SystemExit(1)
