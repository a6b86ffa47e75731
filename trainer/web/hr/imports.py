"""Staff import from a CSV upload: upload, (map the columns,) preview the differences, confirm."""

from __future__ import annotations

import base64
import binascii
import zlib

from flask import Response, current_app, flash, redirect, render_template, request, url_for

from trainer import clock
from trainer.extensions import db
from trainer.people.privileged import Authority, Channel
from trainer.people.staff_apply import ImportRefused, apply_import
from trainer.people.staff_columns import (
    FIELD_LABELS,
    FIELDS,
    ColumnMap,
    map_columns,
    remember_mapping,
    saved_mapping,
)
from trainer.people.staff_file import StaffFile, read_staff_bytes
from trainer.people.staff_import import CLEARABLE, ImportOptions, ImportPlan, plan_import
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
    options = _options(form.deactivate_missing.data, form.skip_bad_rows.data,
                       clear=",".join(form.clear_fields.data or []))
    return _preview(form.file.data.read(), options)


@bp.route("/import/confirm", methods=["POST"])
@roles_required("hr", "admin")
def confirm_import():
    form = ConfirmImportForm()
    allowed = form.allow_mass_deactivation.data if form.allow_mass_deactivation.validate(form) else None
    carried = _carried(form, allowed)
    if carried is None:
        return redirect(url_for("hr.staff_import"))
    raw, options = carried
    plan = _plan(read_staff_bytes(raw, mapping=saved_mapping(db.session)), options)
    if plan.digest() != form.digest.data:
        flash("The staff records changed since the preview. Check this preview and confirm again.", "warning")
        return _preview(raw, options)
    if plan.new_departments and not form.create_departments.data:
        flash("The file names new departments: tick “Create these departments” to go ahead (or correct "
              "the file if a name is mistyped).", "error")
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


def _carried(form: ConfirmImportForm, allowed: int | None = None) -> tuple[bytes, ImportOptions] | None:
    """The file and the options a preview's form carries back (None, with a message, when the
    file is not there)."""
    try:
        raw = unpack(form.payload.data or "", _max_mb() * 1024 * 1024)
    except ValueError:
        flash("The form did not carry the file. Upload it again.", "error")
        return None
    return raw, _options(form.deactivate_missing.data == "1", form.skip_bad_rows.data == "1", allowed,
                         clear=form.clear_fields.data or "")


def _options(deactivate_missing: bool, skip_bad_rows: bool, allowed: int | None = None,
             clear: str = "") -> ImportOptions:
    return ImportOptions(
        deactivate_missing=deactivate_missing, skip_bad_rows=skip_bad_rows, allow_mass_deactivation=allowed,
        max_deactivation_percent=float(current_app.config["IMPORT_MAX_DEACTIVATION_PERCENT"]),
        clear_fields=frozenset(f for f in clear.split(",") if f in CLEARABLE))


@bp.route("/import/columns", methods=["POST"])
@roles_required("hr", "admin")
def map_import_columns():
    """The column step: which field each column of the file gives. Saving remembers the
    choice for the next upload and shows the preview."""
    carried = _carried(ConfirmImportForm())
    if carried is None:
        return redirect(url_for("hr.staff_import"))
    raw, options = carried
    staff = read_staff_bytes(raw, mapping=saved_mapping(db.session))
    if staff.columns is None:  # an empty file: nothing to map
        return _preview(raw, options)
    if request.form.get("action") == "save":
        chosen = {c.header: request.form.get(f"column-{i}", "") for i, c in enumerate(staff.columns.columns)}
        chosen = {h: f if f in FIELDS else "" for h, f in chosen.items()}
        trial = map_columns([c.header for c in staff.columns.columns], chosen)
        if not trial.problems:
            remember_mapping(db.session, current_actor(), chosen)
            db.session.commit()
            flash("Column mapping saved; it is used for the next uploads too.", "success")
            return _preview(raw, options)
        return _columns_page(raw, options, trial)
    return _columns_page(raw, options, staff.columns)


def _columns_page(raw: bytes, options: ImportOptions, columns: ColumnMap):
    form = _confirm_form(raw, options, digest="")
    return render_template("hr/import_columns.html", columns=columns, form=form, labels=FIELD_LABELS)


def _confirm_form(raw: bytes, options: ImportOptions, digest: str) -> ConfirmImportForm:
    # formdata=None: the form carries these values, not whatever the request that showed the
    # page posted (the upload's checkboxes post "y"; the confirmation expects "1").
    return ConfirmImportForm(
        formdata=None, payload=pack(raw), digest=digest,
        deactivate_missing="1" if options.deactivate_missing else "",
        skip_bad_rows="1" if options.skip_bad_rows else "",
        clear_fields=",".join(sorted(options.clear_fields)),
    )


def _plan(staff: StaffFile, options: ImportOptions) -> ImportPlan:
    return plan_import(db.session, staff, options, authority=Authority.of(Channel.IMPORT, current_user),
                       scope=viewer_scope(), acting_user_id=current_user.id)


def _preview(raw: bytes, options: ImportOptions):
    staff = read_staff_bytes(raw, mapping=saved_mapping(db.session))
    if staff.columns is not None and staff.columns.problems:
        return _columns_page(raw, options, staff.columns)
    plan = _plan(staff, options)
    confirm = _confirm_form(raw, options, plan.digest())
    return render_template("hr/import_preview.html", plan=plan, confirm=confirm, columns=staff.columns,
                           labels=FIELD_LABELS)


@bp.route("/import/template.csv")
@roles_required("hr", "admin")
def import_template():
    """An empty staff list with every column Trainer reads, to fill in or to copy headers from."""
    header = "email,name,employee_id,department,job_role,manager_email,hired_on,active\r\n"
    return Response(header, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="trainer-staff-template.csv"'})


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
