"""Admin pages for courses: list, create, settings, module order, new modules, retire."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from sqlalchemy import func, select

from trainer import clock
from trainer.compliance.impact import preview
from trainer.content.authoring import save_draft, starter_source
from trainer.content.course_settings import (
    CourseError,
    add_module,
    create_course,
    move_module,
    restore_course,
    retire_course,
    update_course_settings,
)
from trainer.content.review import due_on as review_due_on
from trainer.content.review import is_overdue
from trainer.extensions import db
from trainer.models import Assignment, Course, Department, ModuleDraft
from trainer.web.access import roles_required
from trainer.web.admin import bp
from trainer.web.admin.confirmation import confirm_page, confirmation, is_confirmed
from trainer.web.admin.course_forms import ActionForm, CourseSettingsForm, NewCourseForm, NewModuleForm
from trainer.web.admin.follow_up import after_settings_change, sync_people
from trainer.web.admin.lookups import course_or_404, module_or_404
from trainer.web.context import current_actor


@bp.route("/courses")
@roles_required("admin")
def courses():
    rows = db.session.scalars(select(Course).order_by(Course.retired_at.is_not(None), Course.title)).all()
    today = clock.today()
    reviews = {c.id: (due, is_overdue(due, today))
               for c in rows for due in [review_due_on(c.reviewed_on, c.review_every_months)]}
    return render_template("admin/courses.html", courses=rows, reviews=reviews)


@bp.route("/courses/+new", methods=["GET", "POST"])
@roles_required("admin")
def new_course():
    form = NewCourseForm()
    form.departments.choices = [(name, name) for name in db.session.scalars(
        select(Department.name).order_by(Department.name))]
    if form.validate_on_submit():
        try:
            slug = (form.slug.data or "").strip()
            course = create_course(db.session, current_actor(), slug, form.settings())
        except CourseError as error:
            field = form[error.key] if error.key and error.key in form else form.slug
            field.errors = [*field.errors, str(error)]
        else:
            db.session.commit()
            flash(f"Created “{course.title}”. Add its first module; nobody is assigned the course "
                  "before a module is published.", "success")
            return redirect(url_for("admin.course", slug=course.slug))
    return render_template("admin/course_settings.html", form=form, course=None)


@bp.route("/courses/<slug>")
@roles_required("admin")
def course(slug: str):
    return _course_page(course_or_404(slug), NewModuleForm())


def _course_page(course: Course, module_form: NewModuleForm, status: int = 200):
    drafts = set(db.session.scalars(select(ModuleDraft.module_id).where(
        ModuleDraft.module_id.in_([m.id for m in course.modules]))))
    return render_template("admin/course.html", course=course, drafts=drafts, action_form=ActionForm(),
                           module_form=module_form), status


@bp.route("/courses/<slug>/settings", methods=["GET", "POST"])
@roles_required("admin")
def course_settings(slug: str):
    course = course_or_404(slug)
    form = CourseSettingsForm()
    if not form.is_submitted():
        form.fill_from(course)
    elif form.validate():
        published = any(m.current_version_id for m in course.active_modules)

        def save() -> tuple[bool, str]:
            changed = update_course_settings(db.session, current_actor(), course, form.settings())
            # An unpublished course is assigned to nobody yet; its default rule comes with the first module.
            return changed, after_settings_change([course.slug]).summary() if changed and published else ""

        try:
            if published and not is_confirmed():  # first show whom the new settings assign
                (changed, _), impact = preview(db.session, save, clock.today())
                if changed:
                    form.confirmed.data = confirmation()
                    return render_template("admin/course_settings.html", form=form, course=course,
                                           impact=impact)
            changed, summary = save()
        except CourseError as error:
            field = form[error.key] if error.key and error.key in form else form.title
            field.errors = [*field.errors, str(error)]
        else:
            db.session.commit()
            if changed:
                flash(f"Saved the settings of “{course.title}”. {summary}".strip(), "success")
            else:
                flash("Nothing changed.", "info")
            return redirect(url_for("admin.course", slug=course.slug))
    return render_template("admin/course_settings.html", form=form, course=course)


@bp.route("/courses/<slug>/modules", methods=["POST"])
@roles_required("admin")
def add_course_module(slug: str):
    course = course_or_404(slug)
    form = NewModuleForm()
    if form.validate_on_submit():
        try:
            module = add_module(db.session, current_actor(), course, (form.slug.data or "").strip())
        except CourseError as error:
            form.slug.errors = [*form.slug.errors, str(error)]
        else:
            save_draft(db.session, current_actor(), module, starter_source(form.title.data or ""), None, "")
            db.session.commit()
            flash("Module added with a starting text as its draft. Employees see it once you publish it.",
                  "success")
            return redirect(url_for("admin.edit_module", slug=slug, module_slug=module.slug))
    return _course_page(course, form, 400)


@bp.route("/courses/<slug>/modules/<module_slug>/move/<direction>", methods=["POST"])
@roles_required("admin")
def move_course_module(slug: str, module_slug: str, direction: str):
    course = course_or_404(slug)
    module = module_or_404(course, module_slug)
    if ActionForm().validate_on_submit() and move_module(db.session, current_actor(), module, direction):
        db.session.commit()
    return redirect(url_for("admin.course", slug=slug, _anchor=f"module-{module.slug}"))


@bp.route("/courses/<slug>/<any(retire, restore):action>", methods=["POST"])
@roles_required("admin")
def course_status(slug: str, action: str):
    course = course_or_404(slug)
    if ActionForm().validate_on_submit():
        if action == "retire" and not is_confirmed():
            open_count = db.session.scalar(select(func.count()).select_from(Assignment).where(
                Assignment.course_id == course.id, Assignment.current.is_(True),
                Assignment.completed_on.is_(None))) or 0
            return confirm_page(f"Retire “{course.title}”?", [
                "Nobody new is assigned the course, and it leaves everyone's dashboard.",
                f"{open_count} open assignment(s) are closed.",
                "Completions, certificates and versions are kept as evidence.",
                "You can bring the course back later."], f"Retire “{course.title}”",
                url_for("admin.course", slug=slug))
        (retire_course if action == "retire" else restore_course)(db.session, current_actor(), course)
        result = sync_people()
        db.session.commit()
        flash(f"“{course.title}” is retired: nobody new is assigned it, {result.closed} open assignments "
              "are closed, and completions are kept as evidence." if action == "retire"
              else f"“{course.title}” is back. Assignments: {result.summary()}.", "success")
    return redirect(url_for("admin.course", slug=slug))
