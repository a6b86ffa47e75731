"""Forms for accounts: create and edit (roles, department, manager, HR scope), list filters."""

from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, DateField, EmailField, RadioField, SelectField, StringField, SubmitField
from wtforms.fields import SelectChoice  # type: ignore[attr-defined]  # types-WTForms lags WTForms 3.3
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from trainer.extensions import db
from trainer.models import Department, User
from trainer.people.account_changes import AccountDetails
from trainer.reports.accounts import STATUSES
from trainer.web.admin.requirement_forms import MultiCheckboxField


def department_choices() -> list[SelectChoice]:
    departments = db.session.scalars(select(Department).order_by(Department.name)).all()
    return [SelectChoice(str(d.id), d.name) for d in departments]


class AccountForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    department = StringField("Department", validators=[Optional(), Length(max=120)],
                             render_kw={"list": "departments", "autocomplete": "off"},
                             description="An existing department, or a new name to create one.")
    job_role = StringField("Job role", validators=[Optional(), Length(max=120)])
    manager_email = EmailField("Manager's e-mail address", validators=[Optional(), Email(), Length(max=254)])
    is_hr = BooleanField("HR: sees completion reports")
    is_admin = BooleanField("Administrator: courses, requirements, users, audit log")
    is_auditor = BooleanField("Auditor: reads HR figures, lists, exports and the audit log; changes nothing")
    auditor_until = DateField("Auditor until (last day)", validators=[Optional()],
                              description="Leave empty for no end date. From the next day the role is gone.")
    hr_sees = RadioField("Departments HR sees", validate_choice=False, choices=[
        SelectChoice("all", "Every department"),
        SelectChoice("some", "Only the departments ticked below (none ticked: no one)"),
    ])
    hr_department_ids = MultiCheckboxField("Departments", coerce=int)
    save = SubmitField("Save")

    def validate_hr_sees(self, field: RadioField) -> None:
        if self.is_hr.data and field.data not in ("all", "some"):
            raise ValidationError("Choose which departments this HR user sees: every one, or only some.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.hr_department_ids.choices = department_choices()

    def details(self) -> AccountDetails:
        return AccountDetails(
            name=self.name.data or "", department=(self.department.data or "").strip() or None,
            job_role=(self.job_role.data or "").strip() or None,
            manager_email=(self.manager_email.data or "").strip() or None,
            is_hr=bool(self.is_hr.data), is_admin=bool(self.is_admin.data),
            is_auditor=bool(self.is_auditor.data), auditor_until=self.auditor_until.data,
            hr_all_departments=self.hr_sees.data == "all",
            hr_department_ids=list(self.hr_department_ids.data or []))

    def fill_from(self, user: User) -> None:
        self.name.data = user.name
        self.department.data = user.department.name if user.department else ""
        self.job_role.data = user.job_role or ""
        self.manager_email.data = user.manager.email if user.manager else ""
        self.is_hr.data = user.is_hr
        self.is_admin.data = user.is_admin
        self.is_auditor.data = user.is_auditor
        self.auditor_until.data = user.auditor_until
        self.hr_department_ids.data = [d.id for d in user.hr_departments]
        self.hr_sees.data = ("all" if user.hr_all_departments else "some") if user.is_hr else None


class NewAccountForm(AccountForm):
    email = EmailField("Work e-mail address", validators=[DataRequired(), Email(), Length(max=254)],
                       description="The person signs in with it.")
    save = SubmitField("Create account")


class AccountStatusForm(FlaskForm):
    """Deactivate or reactivate: a button, CSRF-protected."""


class AccountFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    q = StringField("Name or e-mail", validators=[Optional(), Length(max=200)])
    role = SelectField("Role", validators=[Optional()], choices=[
        SelectChoice("", "Any role"), SelectChoice("employee", "Employees only"), SelectChoice("hr", "HR"),
        SelectChoice("admin", "Administrators")])
    department = SelectField("Department", coerce=str, validators=[Optional()])
    status = SelectField("Status", validators=[Optional()], choices=[
        SelectChoice("", "Any status"), *(SelectChoice(s, s.capitalize()) for s in STATUSES)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.department.choices = [SelectChoice("", "Any department"), *department_choices()]
