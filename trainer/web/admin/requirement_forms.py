"""The requirement form: course, audience, timing, and a preview before saving."""

from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import SelectChoice  # type: ignore[attr-defined]  # types-WTForms lags WTForms 3.3
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from trainer.compliance.requirements import RequirementSpec
from trainer.extensions import db
from trainer.models import Course, Department, User

MONTHS = [SelectChoice("0", "No fixed date")] + [
    SelectChoice(str(n), name) for n, name in enumerate(
        ["January", "February", "March", "April", "May", "June", "July", "August",
         "September", "October", "November", "December"], start=1)
]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RequirementForm(FlaskForm):
    course_id = SelectField("Course", coerce=int, validators=[DataRequired()])
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    everyone = BooleanField("Everyone")
    department_ids = MultiCheckboxField("Departments", coerce=int)
    job_roles = StringField("Job roles", validators=[Length(max=2000)],
                            description="Separate with commas, e.g. Developer, CRM specialist.")
    people = TextAreaField("Named people", validators=[Length(max=20000)],
                           description="Work e-mail addresses, one per line or comma-separated.")
    hired_after = DateField("Only people hired after", validators=[Optional()])
    due_days = IntegerField("Days to complete", default=30,
                            validators=[InputRequired(), NumberRange(1, 3650)])
    refresher_months = IntegerField("Refresher every (months)", validators=[Optional(), NumberRange(1, 120)],
                                    description="Leave empty to use the course's interval.")
    renew_month = SelectField("Or renew every year on", coerce=int, choices=MONTHS, default=0)
    renew_day = IntegerField("Day of the month", validators=[Optional(), NumberRange(1, 31)])
    renew_grace_days = IntegerField("Grace period (days)", default=0,
                                    validators=[Optional(), NumberRange(0, 365)],
                                    description="People who completed this recently before the "
                                                "renewal date are not reassigned for it.")
    preview = SubmitField("Preview")
    save = SubmitField("Save")
    confirmed = HiddenField()  # web/admin/confirmation.py

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        courses = db.session.scalars(select(Course).where(Course.retired_at.is_(None))
                                     .order_by(Course.title)).all()
        self.course_id.choices = [SelectChoice(str(c.id), c.title) for c in courses]
        departments = db.session.scalars(select(Department).order_by(Department.name)).all()
        self.department_ids.choices = [SelectChoice(str(d.id), d.name) for d in departments]
        self._user_ids: list[int] = []

    def validate_people(self, field: TextAreaField) -> None:
        words = (field.data or "").replace(",", "\n").split()
        emails = sorted({e.strip().lower() for e in words if e.strip()})
        if not emails:
            return
        found = dict(db.session.execute(select(User.email, User.id).where(User.email.in_(emails))).all())
        unknown = [e for e in emails if e not in found]
        if unknown:
            raise ValidationError("No account for " + ", ".join(unknown[:10]) + ".")
        self._user_ids = [found[e] for e in emails]

    def validate_renew_day(self, field: IntegerField) -> None:
        if self.renew_month.data and not field.data:
            raise ValidationError("Give the day of the month for the renewal date.")

    def validate_everyone(self, field: BooleanField) -> None:
        if not (field.data or self.department_ids.data or (self.job_roles.data or "").strip()
                or (self.people.data or "").strip()):
            raise ValidationError("Choose who the requirement applies to.")

    def to_spec(self) -> RequirementSpec:
        return RequirementSpec(
            course_id=self.course_id.data,
            name=self.name.data or "",
            everyone=bool(self.everyone.data),
            department_ids=list(self.department_ids.data or []),
            job_roles=[r.strip() for r in (self.job_roles.data or "").split(",") if r.strip()],
            user_ids=self._user_ids,
            hired_after=self.hired_after.data,
            due_days=self.due_days.data or 30,
            refresher_months=self.refresher_months.data,
            renew_month=self.renew_month.data or None,
            renew_day=self.renew_day.data if self.renew_month.data else None,
            renew_grace_days=self.renew_grace_days.data or 0,
        )

    def fill_from(self, requirement) -> None:
        self.course_id.data = requirement.course_id
        self.name.data = requirement.name
        self.everyone.data = requirement.everyone
        self.department_ids.data = [d.id for d in requirement.departments]
        self.job_roles.data = ", ".join(requirement.job_roles)
        self.people.data = "\n".join(sorted(u.email for u in requirement.users))
        self.hired_after.data = requirement.hired_after
        self.due_days.data = requirement.due_days
        self.refresher_months.data = requirement.refresher_months
        self.renew_month.data = requirement.renew_month or 0
        self.renew_day.data = requirement.renew_day
        self.renew_grace_days.data = requirement.renew_grace_days


class StatusForm(FlaskForm):
    """Pause, resume or retire: a button per action, CSRF-protected."""

    status = SelectField(choices=[SelectChoice("active", "Resume"), SelectChoice("paused", "Pause"),
                                  SelectChoice("retired", "Retire")])
