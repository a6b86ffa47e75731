"""A module's versions: the history, one version as published, and a diff of any two."""

from __future__ import annotations

from flask import abort, render_template, request

from trainer.content.diff import side_by_side
from trainer.content.history import version_history, version_numbered
from trainer.extensions import db
from trainer.people.directory import names_of
from trainer.web.access import roles_required
from trainer.web.admin import bp
from trainer.web.admin.lookups import course_or_404, module_or_404
from trainer.web.params import query_int


@bp.route("/courses/<slug>/modules/<module_slug>/versions")
@roles_required("admin")
def module_versions(slug: str, module_slug: str):
    module = module_or_404(course_or_404(slug), module_slug)
    rows = version_history(db.session, module)
    return render_template("admin/module_versions.html", course=module.course, module=module, rows=rows)


@bp.route("/courses/<slug>/modules/<module_slug>/versions/<int:number>")
@roles_required("admin")
def module_version(slug: str, module_slug: str, number: int):
    module = module_or_404(course_or_404(slug), module_slug)
    version = version_numbered(db.session, module, number) or abort(404)
    people = names_of(db.session, [version.published_by_id])
    return render_template("admin/module_version.html", course=module.course, module=module,
                           version=version, people=people)


@bp.route("/courses/<slug>/modules/<module_slug>/diff")
@roles_required("admin")
def module_diff(slug: str, module_slug: str):
    module = module_or_404(course_or_404(slug), module_slug)
    current = module.current_version or abort(404)
    old_number = query_int("from", max(current.number - 1, 1))
    new_number = query_int("to", current.number)
    old = version_numbered(db.session, module, old_number) or abort(404)
    new = version_numbered(db.session, module, new_number) or abort(404)
    full = request.args.get("full") == "1"
    diff = side_by_side(old.source, new.source, context=None if full else 3)
    numbers = list(range(current.number, 0, -1))  # versions are numbered 1..n without gaps
    return render_template("admin/module_diff.html", course=module.course, module=module, old=old, new=new,
                           diff=diff, full=full, numbers=numbers)
