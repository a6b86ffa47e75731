"""Staff import from a CSV upload: upload, preview the differences, confirm."""

from __future__ import annotations

import base64
import binascii
import zlib

from flask import current_app, flash, redirect, render_template, url_for

from trainer import clock
from trainer.extensions import db
from trainer.people.privileged import Authority, Channel
from trainer.people.staff_apply import ImportRefused, apply_import
from trainer.people.staff_file import read_staff_bytes
from trainer.people.staff_import import ImportOptions, ImportPlan, plan_import
from trainer.web.access import roles_required
from trainer.web.context import current_actor
from trainer.web.current import current_user
from trainer.web.hr import bp
from trainer.web.hr.common import viewer_scope
from trainer.web.hr.forms import ConfirmImportForm, staff_upload_form


@bp.route("/import", methods=["GET", "POST"])
@roles_required("hr", "admin")
def staff_import():
    form = staff_upload_form(_max_mb())
    if not form.validate_on_submit():
        return render_template("hr/import.html", form=form, max_mb=_max_mb())
    options = _options(form.deactivate_missing.data, form.skip_bad_rows.data)
    return _preview(form.file.data.read(), options)


@bp.route("/import/confirm", methods=["POST"])
@roles_required("hr", "admin")
def confirm_import():
    form = ConfirmImportForm()
    allowed = form.allow_mass_deactivation.data if form.allow_mass_deactivation.validate(form) else None
    options = _options(form.deactivate_missing.data == "1", form.skip_bad_rows.data == "1", allowed)
    try:
        raw = unpack(form.payload.data or "", _max_mb() * 1024 * 1024)
    except ValueError:
        flash("The confirmation did not carry the file. Upload it again.", "error")
        return redirect(url_for("hr.staff_import"))
    plan = _plan(raw, options)
    if plan.digest() != form.digest.data:
        flash("The staff records changed since the preview. Check this preview and confirm again.", "warning")
        return _preview(raw, options)
    try:
        result = apply_import(db.session, current_actor(), plan, clock.today(),
                              refresher_window_days=int(current_app.config["REFRESHER_WINDOW_DAYS"]))
    except ImportRefused as refused:
        flash(str(refused), "error")
        return _preview(raw, options)
    db.session.commit()
    flash(f"Staff imported: {result.summary()}.", "success")
    return redirect(url_for("hr.employees"))


def _options(deactivate_missing: bool, skip_bad_rows: bool, allowed: int | None = None) -> ImportOptions:
    return ImportOptions(
        deactivate_missing=deactivate_missing, skip_bad_rows=skip_bad_rows, allow_mass_deactivation=allowed,
        max_deactivation_percent=float(current_app.config["IMPORT_MAX_DEACTIVATION_PERCENT"]))


def _plan(raw: bytes, options: ImportOptions) -> ImportPlan:
    return plan_import(db.session, read_staff_bytes(raw), options,
                       authority=Authority.of(Channel.IMPORT, current_user),
                       scope=viewer_scope(), acting_user_id=current_user.id)


def _preview(raw: bytes, options: ImportOptions):
    plan = _plan(raw, options)
    # formdata=None: the confirmation carries these values, not whatever the request that
    # showed the preview posted (the upload's checkboxes post "y"; confirm expects "1").
    confirm = ConfirmImportForm(
        formdata=None, payload=pack(raw), digest=plan.digest(),
        deactivate_missing="1" if options.deactivate_missing else "",
        skip_bad_rows="1" if options.skip_bad_rows else "",
    )
    return render_template("hr/import_preview.html", plan=plan, confirm=confirm)


def pack(raw: bytes) -> str:
    return base64.b64encode(zlib.compress(raw, 6)).decode("ascii")


def unpack(payload: str, max_bytes: int) -> bytes:
    """The file back from the confirmation form; refuses anything larger than an upload."""
    try:
        inflater = zlib.decompressobj()
        raw = inflater.decompress(base64.b64decode(payload, validate=True), max_bytes + 1)
    except (binascii.Error, zlib.error):
        raise ValueError("not a packed file") from None
    if not payload or len(raw) > max_bytes or inflater.unconsumed_tail:
        raise ValueError("empty or too large")
    return raw


def _max_mb() -> int:
    return int(current_app.config["IMPORT_MAX_MB"])
