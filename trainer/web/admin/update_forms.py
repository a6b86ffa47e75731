"""The regulation update form: what changed, which modules it touches, what people must do."""

from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, HiddenField, IntegerField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.fields import SelectChoice  # type: ignore[attr-defined]  # types-WTForms lags WTForms 3.3
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from trainer.compliance.update_drafts import UpdateDraft
from trainer.extensions import db
from trainer.models import Course, RegulationUpdate
from trainer.web.admin.requirement_forms import MultiCheckboxField


class UpdateForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)],
                        description="e.g. Breach reports must name the data protection officer")
    regulation = StringField("Regulation", validators=[DataRequired(), Length(max=120)],
                             description="The reference, e.g. GDPR Art. 33 or CCPA §1798.100.")
    summary = TextAreaField("Summary (Markdown)", validators=[DataRequired(), Length(max=20000)],
                            description="What changed and what staff must do differently.")
    effective_on = DateField("Effective from", validators=[InputRequired()])
    due_days = IntegerField("Days to act", default=30, validators=[InputRequired(), NumberRange(1, 3650)])
    action = RadioField("What people must do", default="retrain", choices=[
        SelectChoice("retrain", "Retrain: take the affected modules again"),
        SelectChoice("acknowledge", "Acknowledge: read the update and confirm it"),
    ])
    module_ids = MultiCheckboxField("Affected modules", coerce=int,
                                    description="Once published, each is flagged “review needed” (in the "
                                                "editor and on Review due) until a new version of it is "
                                                "published.")
    preview = SubmitField("Preview")
    save = SubmitField("Save draft")
    publish = SubmitField("Save and publish")
    confirmed = HiddenField()  # web/admin/confirmation.py

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.courses = db.session.scalars(select(Course).where(Course.retired_at.is_(None))
                                          .order_by(Course.title)).all()
        self.module_ids.choices = [SelectChoice(str(m.id), m.current_version.title) for c in self.courses
                                   for m in c.active_modules if m.current_version]

    def validate_module_ids(self, field: MultiCheckboxField) -> None:
        if self.publish.data and not field.data:
            raise ValidationError("Choose at least one affected module.")

    def draft(self) -> UpdateDraft:
        return UpdateDraft(
            title=self.title.data or "", regulation=self.regulation.data or "",
            summary=self.summary.data or "",
            effective_on=self.effective_on.data, due_days=self.due_days.data or 30,  # type: ignore[arg-type]  # InputRequired: runs validated
            action=self.action.data or "", module_ids=list(self.module_ids.data or []))

    def fill_from(self, update: RegulationUpdate) -> None:
        self.title.data = update.title
        self.regulation.data = update.regulation
        self.summary.data = update.summary
        self.effective_on.data = update.effective_on
        self.due_days.data = update.due_days
        self.action.data = update.action
        self.module_ids.data = [m.id for m in update.modules]


class DeleteUpdateForm(FlaskForm):
    """The "Delete draft" button."""
