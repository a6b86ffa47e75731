"""A course as a .zip: export it, or upload one, see what importing it would change, confirm."""

from __future__ import annotations

import base64
import binascii

from flask import Response, flash, redirect, render_template, stream_with_context, url_for

from trainer import clock
from trainer.compliance.impact import preview
from trainer.compliance.publishing import CourseArchive
from trainer.content.archive import ArchiveError, zip_stream
from trainer.content.errors import ValidationFailed
from trainer.content.exporter import course_files
from trainer.extensions import db
from trainer.web.access import roles_required
from trainer.web.admin import bp
from trainer.web.admin.course_forms import ArchiveConfirmForm, ArchiveUploadForm
from trainer.web.admin.follow_up import publish
from trainer.web.admin.lookups import course_or_404


@bp.route("/courses/<slug>/export.zip")
@roles_required("admin")
def export_course(slug: str):
    course = course_or_404(slug)
    files = course_files(course)  # read now: the stream runs after the request's session work
    stream = stream_with_context(zip_stream(files, clock.now()))
    return Response(stream, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{course.slug}.zip"', "Cache-Control": "no-store"})


@bp.route("/courses/+import", methods=["GET", "POST"])
@roles_required("admin")
def import_course():
    form = ArchiveUploadForm()
    if not form.validate_on_submit():
        return render_template("admin/course_import.html", form=form), 400 if form.is_submitted() else 200
    data = form.archive.data.read()
    try:  # the import and its follow-up run in a savepoint, undone: the preview is the real thing
        published, impact = preview(db.session, lambda: publish(CourseArchive(data)), clock.today())
    except (ArchiveError, ValidationFailed) as error:
        db.session.rollback()
        return _refused(form, error)
    db.session.rollback()
    report = published.report
    assert report is not None
    report.dry_run = True
    confirm = ArchiveConfirmForm(archive_data=base64.b64encode(data).decode())
    return render_template("admin/course_import.html", form=form, report=report, confirm=confirm,
                           impact=impact)


@bp.route("/courses/+import/confirm", methods=["POST"])
@roles_required("admin")
def confirm_course_import():
    form = ArchiveConfirmForm()
    try:
        data = base64.b64decode(form.archive_data.data or "", validate=True) if form.validate() else b""
        published = publish(CourseArchive(data))
    except (binascii.Error, ArchiveError, ValidationFailed) as error:
        db.session.rollback()
        return _refused(ArchiveUploadForm(), error)
    report = published.report
    assert report is not None
    message = report.summary()
    if published.follow_up is not None:
        message += f" Compliance: {published.follow_up.summary()}."
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("admin.course", slug=report.courses[0].slug))


def _refused(form: ArchiveUploadForm, error: Exception):
    errors = error.errors if isinstance(error, ValidationFailed) else []
    message = "The archive was not imported." if errors else f"The archive was not imported: {error}"
    return render_template("admin/course_import.html", form=form, refused=message, errors=errors), 400
