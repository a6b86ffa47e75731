"""Forms of the HR pages: the staff import upload and its confirmation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import BooleanField, HiddenField, IntegerField
from wtforms.fields import SelectChoice  # type: ignore[attr-defined]  # types-WTForms lags WTForms 3.3
from wtforms.validators import NumberRange, Optional

from trainer.people.staff_import import CLEARABLE
from trainer.web.admin.requirement_forms import MultiCheckboxField


class StaffUploadForm(FlaskForm):
    """The staff list upload; its fields are made by staff_upload_form (the size limit comes
    from configuration)."""

    file: FileField
    deactivate_missing: BooleanField
    skip_bad_rows: BooleanField
    clear_fields: MultiCheckboxField


def staff_upload_form(max_mb: int) -> StaffUploadForm:
    """The upload form, with the CSV size limit from configuration."""

    class ConfiguredStaffUploadForm(StaffUploadForm):
        file = FileField("Staff list (CSV)", validators=[
            FileRequired("Choose a CSV file to upload."),
            FileAllowed(["csv", "txt"], "Upload a .csv file (comma-separated, UTF-8)."),
            FileSize(max_size=max_mb * 1024 * 1024,
                     message=f"The CSV file is larger than {max_mb} MB. Split it, or import it with "
                             "`trainer users import` on the server."),
        ])
        deactivate_missing = BooleanField("This is the full staff list: deactivate people who are not in it")
        skip_bad_rows = BooleanField("Import the good rows even if some rows have errors")
        clear_fields = MultiCheckboxField(
            "Clear these fields where the cell is empty",
            choices=[SelectChoice(f, f.replace("_", " ")) for f in CLEARABLE],
            description="Otherwise an empty cell keeps what Trainer has.")

    return ConfiguredStaffUploadForm()


class ConfirmImportForm(FlaskForm):
    """Carries the previewed file back (compressed), so the import needs no server-side state."""

    payload = HiddenField()
    digest = HiddenField()
    deactivate_missing = HiddenField()
    skip_bad_rows = HiddenField()
    clear_fields = HiddenField()  # comma-separated
    # Ticked by the importer when the file names departments Trainer does not have yet.
    create_departments = BooleanField("Create these departments")
    # Typed by the importer when a full sync would deactivate more than the allowed share.
    allow_mass_deactivation = IntegerField("Number of people to deactivate",
                                           validators=[Optional(), NumberRange(min=1)])
