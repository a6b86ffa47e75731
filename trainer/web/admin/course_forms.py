"""Forms for courses: settings, a new course, a new module, and CSRF-only action buttons."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import SelectChoice  # type: ignore[attr-defined]  # types-WTForms lags WTForms 3.3
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from trainer.content.meta import CourseMeta
from trainer.models import Course
from trainer.web.admin.requirement_forms import MultiCheckboxField

SLUG_HINT = "Lower-case letters, digits and single hyphens, e.g. breach-response. It cannot change later."


class CourseSettingsForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField("Summary", validators=[DataRequired(), Length(max=2000)],
                            description="One or two sentences shown in course lists.")
    pass_mark = IntegerField("Pass mark (%)", default=80, validators=[InputRequired(), NumberRange(0, 100)],
                             description="Share of a module's quiz answered right to pass it.")
    refresher_months = IntegerField("Refresher every (months)", default=12,
                                    validators=[Optional(), NumberRange(min=1)],
                                    description="Leave empty if a completion never expires.")
    due_days = IntegerField("Days to complete", default=30, validators=[InputRequired(), NumberRange(min=1)],
                            description="From assignment to the due date.")
    show_answers = SelectField("Show the right answers after a quiz", default="after_passing", choices=[
        SelectChoice("after_passing", "After passing (a failed attempt shows which answers were wrong and "
                                      "the explanations, not the right choices)"),
        SelectChoice("never", "Never (only which answers were wrong, and the explanations)"),
        SelectChoice("always", "Always, also after a failed attempt"),
    ])
    attempts_before_cooldown = IntegerField("Attempts before a pause", default=3,
                                            validators=[InputRequired(), NumberRange(1, 100)],
                                            description="Failed attempts in a row before the quiz pauses.")
    cooldown_minutes = IntegerField("Pause (minutes)", default=60,
                                    validators=[InputRequired(), NumberRange(0, 10080)],
                                    description="How long the quiz pauses after that many failed attempts; "
                                                "0: no pause.")
    owner = StringField("Owner's e-mail address", validators=[Optional(), Length(max=254)],
                        description="The person who keeps the content right in law and gets the review "
                                    "reminders; need not have an account here.")
    reviewed_on = DateField("Last reviewed on", validators=[Optional()],
                            description="The day the content was last compared with the law.")
    review_every_months = IntegerField("Review every (months)", default=12,
                                       validators=[Optional(), NumberRange(1, 120)],
                                       description="The owner is reminded 30 days before the review "
                                                   "falls due and again when it is overdue. Empty: 12.")
    save = SubmitField("Save")
    confirmed = HiddenField()  # web/admin/confirmation.py

    def settings(self) -> CourseMeta:
        """The settings as course.md would hold them (audience and regulations: see the caller)."""
        return CourseMeta(title=self.title.data or "", summary=self.summary.data or "",
                          pass_mark=self.pass_mark.data or 0, refresher_months=self.refresher_months.data,
                          due_days=self.due_days.data or 0, show_answers=self.show_answers.data or "",
                          attempts_before_cooldown=self.attempts_before_cooldown.data or 0,
                          cooldown_minutes=self.cooldown_minutes.data or 0,
                          owner=(self.owner.data or "").strip() or None, reviewed_on=self.reviewed_on.data,
                          review_every_months=self.review_every_months.data or 12)

    def fill_from(self, course: Course) -> None:
        self.title.data = course.title
        self.summary.data = course.summary
        self.pass_mark.data = course.pass_mark
        self.refresher_months.data = course.refresher_months
        self.due_days.data = course.due_days
        self.show_answers.data = course.show_answers
        self.attempts_before_cooldown.data = course.attempts_before_cooldown
        self.cooldown_minutes.data = course.cooldown_minutes
        self.owner.data = course.owner
        self.reviewed_on.data = course.reviewed_on
        self.review_every_months.data = course.review_every_months


class NewCourseForm(CourseSettingsForm):
    slug = StringField("Slug", validators=[DataRequired(), Length(max=80)], description=SLUG_HINT)
    # No default: who must take a new course is a decision, never an implicit "everyone".
    audience = RadioField("Who must take this course?", validators=[InputRequired(
        "Choose who must take this course: everyone, or only some departments and job roles.")], choices=[
        SelectChoice("everyone", "Everyone"),
        SelectChoice("some", "Only people in the departments and job roles below"),
    ])
    departments = MultiCheckboxField("Departments")
    job_roles = StringField("Job roles", validators=[Length(max=2000)],
                            description="Separate with commas, e.g. Developer, CRM specialist.")
    save = SubmitField("Create course")

    def validate_audience(self, field: RadioField) -> None:
        if field.data == "some" and not (self.departments.data or self._job_roles()):
            raise ValidationError("Tick at least one department or name a job role, or choose Everyone.")

    def _job_roles(self) -> list[str]:
        return [role.strip() for role in (self.job_roles.data or "").split(",") if role.strip()]

    def settings(self) -> CourseMeta:
        audience: Any = "everyone"
        if self.audience.data == "some":
            audience = {key: names for key, names in (("departments", list(self.departments.data or [])),
                                                      ("job_roles", self._job_roles())) if names}
        return dataclasses.replace(super().settings(), audience=audience)


class NewModuleForm(FlaskForm):
    slug = StringField("Module slug", validators=[DataRequired(), Length(max=80)], description=SLUG_HINT)
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    add = SubmitField("Add module")


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token (move, retire, restore)."""


class ArchiveUploadForm(FlaskForm):
    archive = FileField("Course archive (.zip)", validators=[FileRequired("Choose a .zip file.")],
                        description="A course folder as `trainer courses export` writes it, zipped: "
                                    "<slug>/course.md and <slug>/NN-module.md files.")
    check = SubmitField("Check the archive")


class ArchiveConfirmForm(FlaskForm):
    archive_data = HiddenField()
    confirm = SubmitField("Import")
