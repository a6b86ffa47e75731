"""A small organisation with one of everything, for walking every route as every role.

Employee A owns things (an attempt, a certificate, a notice, a calendar link, an update to
acknowledge) and has a manager; employee B owns nothing of A's; `hr` is limited to A's
department, `hr_all` sees every department; the admin sees everything. `URLS` names, for
every endpoint, a URL that exercises it: a route added without an entry here fails the
route tests until someone decides what it should show.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from sqlalchemy import insert

from tests.compliance.helpers import complete_course, require, sync
from tests.factories import make_course, make_user
from trainer import clock
from trainer.audit import Actor
from trainer.compliance.regulation_updates import publish_update
from trainer.models import Certificate, Notification, QuizAttempt, RegulationUpdate, User, hr_scope
from trainer.security import hash_token

CALENDAR_SECRET = "calendar-secret-of-employee-a"


@dataclasses.dataclass
class World:
    a: User
    b: User
    hr: User
    admin: User
    manager: User
    hr_all: User
    auditor: User
    course_slug: str
    lesson_slug: str
    policy_slug: str
    requirement_id: int
    attempt_id: int
    certificate_id: int
    certificate_code: str
    notification_id: int
    failed_mail_id: int
    update_id: int
    policy_version_id: int


def build_world(session) -> World:
    today = clock.today()
    manager = make_user(session, email="manager@example.com", name="Manager of A", department="Sales")
    a = make_user(session, email="a@example.com", name="Employee A", department="Sales", manager=manager)
    b = make_user(session, email="b@example.com", name="Employee B", department="Support")
    hr = make_user(session, email="hr@example.com", name="HR Sales", department="People", roles=("hr",),
                   hr_departments=[])
    admin = make_user(session, email="admin@example.com", name="The Admin", department="IT",
                      roles=("admin",))
    hr_all = make_user(session, email="hr-all@example.com", name="HR Everywhere", department="People",
                       roles=("hr",))
    auditor = make_user(session, email="auditor@example.com", name="The Auditor", department=None,
                        roles=("auditor",))
    session.execute(insert(hr_scope).values(user_id=hr.id, department_id=a.department_id))
    course = make_course(session, modules=2, kinds=("lesson", "policy"))
    requirement = require(session, course)
    sync(session, today - dt.timedelta(days=10))
    complete_course(session, a, course, today - dt.timedelta(days=5))
    lesson = course.active_modules[0]
    attempt = QuizAttempt(user_id=a.id, module_version_id=lesson.current_version_id, token="tok-a",
                          seed=1, question_ids=["q1"], answers={"q1": ["q1c1"]}, score=100, passed=True,
                          started_at=clock.now(), submitted_at=clock.now())
    session.add(attempt)
    update = RegulationUpdate(title="New rule", regulation="GDPR Art. 33", summary="Read this.",
                              summary_html="<p>Read this.</p>", effective_on=today, action="acknowledge",
                              due_days=14, modules=[lesson])
    session.add(update)
    session.flush()
    publish_update(session, Actor.cli(), update, today)
    notice = _notification(a, "assigned", "world:a:assigned")
    failed = _notification(b, "due_soon", "world:b:failed", failed_at=clock.now(), last_error="550 no")
    session.add_all([notice, failed])
    a.calendar_token_hash = hash_token(CALENDAR_SECRET)
    session.flush()
    certificate = session.query(Certificate).filter_by(user_id=a.id).one()
    session.commit()
    return World(a, b, hr, admin, manager, hr_all, auditor, course.slug, lesson.slug,
                 course.active_modules[1].slug,
                 requirement.id, attempt.id, certificate.id, certificate.code, notice.id, failed.id,
                 update.id, course.active_modules[1].current_version_id)


def _notification(user: User, kind: str, key: str, **extra) -> Notification:
    return Notification(user_id=user.id, kind=kind, dedupe_key=key, channel="email",
                        created_at=clock.now(), attempts=1 if extra else 0,
                        sent_at=None if extra else clock.now(), **extra)


# endpoint -> URL exercising it, given the world. Methods come from the route itself.
URLS: dict[str, Callable[[World], str]] = {
    "admin.add_course_module": lambda w: f"/admin/courses/{w.course_slug}/modules",
    "admin.audit_log": lambda w: "/admin/audit",
    "admin.confirm_course_import": lambda w: "/admin/courses/+import/confirm",
    "admin.course": lambda w: f"/admin/courses/{w.course_slug}",
    "admin.course_settings": lambda w: f"/admin/courses/{w.course_slug}/settings",
    "admin.course_status": lambda w: f"/admin/courses/{w.course_slug}/restore",
    "admin.courses": lambda w: "/admin/courses",
    "admin.delete_update_view": lambda w: f"/admin/updates/{w.update_id}/delete",
    "admin.discard_module_draft": lambda w: f"/admin/courses/{w.course_slug}/modules/{w.lesson_slug}/discard",
    "admin.edit_module": lambda w: f"/admin/courses/{w.course_slug}/modules/{w.lesson_slug}",
    "admin.edit_update": lambda w: f"/admin/updates/{w.update_id}",
    "admin.edit_user": lambda w: f"/admin/users/{w.b.id}",
    "admin.export_course": lambda w: f"/admin/courses/{w.course_slug}/export.zip",
    "admin.import_course": lambda w: "/admin/courses/+import",
    "admin.module_diff": lambda w: f"/admin/courses/{w.course_slug}/modules/{w.lesson_slug}/diff",
    "admin.module_version": lambda w: f"/admin/courses/{w.course_slug}/modules/{w.lesson_slug}/versions/1",
    "admin.module_versions": lambda w: f"/admin/courses/{w.course_slug}/modules/{w.lesson_slug}/versions",
    "admin.move_course_module": lambda w: f"/admin/courses/{w.course_slug}/modules/{w.lesson_slug}/move/down",
    "admin.new_course": lambda w: "/admin/courses/+new",
    "admin.new_update": lambda w: "/admin/updates/new",
    "admin.new_user": lambda w: "/admin/users/new",
    "admin.updates": lambda w: "/admin/updates",
    "admin.tokens": lambda w: "/admin/tokens",
    "admin.revoke_api_token": lambda w: "/admin/tokens/999999/revoke",
    "admin.send_password_reset": lambda w: f"/admin/users/{w.b.id}/password-reset",
    "admin.user_status": lambda w: f"/admin/users/{w.b.id}/reactivate",
    "admin.unlink_sso_identity": lambda w: f"/admin/users/{w.b.id}/sso/999999/unlink",
    "admin.verify_audit_chain": lambda w: "/admin/audit/verify",
    "admin.edit_requirement": lambda w: f"/admin/requirements/{w.requirement_id}",
    "admin.index": lambda w: "/admin/",
    "admin.mail_failures": lambda w: "/admin/mail",
    "admin.new_requirement": lambda w: "/admin/requirements/new",
    "admin.requirement_status": lambda w: f"/admin/requirements/{w.requirement_id}/status",
    "admin.requirements": lambda w: "/admin/requirements",
    "admin.reviews": lambda w: "/admin/reviews",
    "admin.mark_course_reviewed": lambda w: f"/admin/reviews/{w.course_slug}/reviewed",
    "admin.retry_all_mail": lambda w: "/admin/mail/retry-all",
    "admin.retry_mail": lambda w: f"/admin/mail/{w.failed_mail_id}/retry",
    "auth.change_password": lambda w: "/me/password",
    "auth.forgot_password": lambda w: "/password/forgot",
    "auth.login": lambda w: "/login",
    "auth.logout": lambda w: "/logout",
    "auth.reset_password": lambda w: "/password/reset/not-a-real-token",
    "auth.accept_invitation": lambda w: "/welcome/not-a-real-token",
    "sso.oidc_start": lambda w: "/sso/oidc/start",
    "sso.oidc_callback": lambda w: "/sso/oidc/callback",
    "sso.saml_acs": lambda w: "/sso/saml/acs",
    "sso.saml_metadata": lambda w: "/sso/saml/metadata",
    "sso.saml_start": lambda w: "/sso/saml/start",
    "hr.dashboard": lambda w: "/hr/",
    "hr.assignments": lambda w: "/hr/assignments",
    "hr.confirm_import": lambda w: "/hr/import/confirm",
    "hr.employee": lambda w: f"/hr/employees/{w.a.id}",
    "hr.employees": lambda w: "/hr/employees",
    "hr.acknowledgements": lambda w: "/hr/acknowledgements",
    "hr.update_acknowledgements": lambda w: f"/hr/acknowledgements/updates/{w.update_id}",
    "hr.remind_update_acknowledgements": lambda w: f"/hr/acknowledgements/updates/{w.update_id}/remind",
    "hr.policy_acknowledgements": lambda w: f"/hr/acknowledgements/policies/{w.policy_version_id}",
    "hr.remind_policy_acknowledgements":
        lambda w: f"/hr/acknowledgements/policies/{w.policy_version_id}/remind",
    "api.acknowledgement_figures": lambda w: "/api/v1/acknowledgements",
    "api.update_acknowledgement_people": lambda w: f"/api/v1/acknowledgements/updates/{w.update_id}",
    "api.policy_acknowledgement_people": lambda w: f"/api/v1/acknowledgements/policies/{w.policy_version_id}",
    "hr.invite_employee": lambda w: f"/hr/employees/{w.a.id}/invite",
    "hr.invite_never_signed_in": lambda w: "/hr/employees/invite",
    "hr.export_assignments": lambda w: "/hr/exports/assignments",
    "hr.export_auditor_pack": lambda w: "/hr/exports/auditor-pack",
    "hr.export_completion": lambda w: "/hr/exports/completion",
    "hr.export_evidence": lambda w: "/hr/exports/evidence",
    "hr.export_overdue": lambda w: "/hr/exports/overdue",
    "hr.exports": lambda w: "/hr/exports",
    "hr.overdue": lambda w: "/hr/overdue",
    "hr.staff_import": lambda w: "/hr/import",
    "hr.import_template": lambda w: "/hr/import/template.csv",
    "hr.map_import_columns": lambda w: "/hr/import/columns",
    "api.assignment_changes": lambda w: "/api/v1/changes/assignments",
    "api.completion_changes": lambda w: "/api/v1/changes/completions",
    "api.course_status": lambda w: f"/api/v1/courses/{w.course_slug}/completion",
    "api.courses": lambda w: "/api/v1/courses",
    "api.employee_status": lambda w: f"/api/v1/employees/{w.a.id}/completion",
    "api.employees": lambda w: "/api/v1/employees",
    "api.employees_sync": lambda w: "/api/v1/employees/sync",
    "learn.acknowledge": lambda w: f"/courses/{w.course_slug}/{w.policy_slug}/acknowledge",
    "learn.acknowledge_regulation_update": lambda w: f"/updates/{w.update_id}/acknowledge",
    "learn.attempt_result": lambda w: f"/me/attempts/{w.attempt_id}",
    "learn.calendar_feed": lambda w: "/me/calendar",
    "learn.certificate": lambda w: f"/me/certificates/{w.certificate_id}.pdf",
    "learn.course": lambda w: f"/courses/{w.course_slug}",
    "learn.dashboard": lambda w: "/",
    "learn.mark_all_notifications_read": lambda w: "/me/notifications/read-all",
    "learn.mark_notification_read": lambda w: f"/me/notifications/{w.notification_id}/read",
    "learn.module": lambda w: f"/courses/{w.course_slug}/{w.lesson_slug}",
    "learn.my_data": lambda w: "/me/data",
    "learn.my_team": lambda w: "/team",
    "learn.nudge": lambda w: f"/team/{w.b.id}/nudge",
    "learn.my_data_download": lambda w: "/me/data.json",
    "learn.notification_preferences": lambda w: "/me/notifications/preferences",
    "learn.notifications": lambda w: "/me/notifications",
    "learn.quiz": lambda w: f"/courses/{w.course_slug}/{w.lesson_slug}/quiz",
    "learn.submit_quiz": lambda w: f"/courses/{w.course_slug}/{w.lesson_slug}/quiz",
    "learn.transcript": lambda w: "/me/transcript",
    "ops.healthz": lambda w: "/healthz",
    "ops.readyz": lambda w: "/readyz",
    "public.calendar_feed": lambda w: f"/calendar/{CALENDAR_SECRET}.ics",
    "public.privacy": lambda w: "/privacy",
    "public.verify": lambda w: f"/verify/{w.certificate_code}",
    "public.verify_form": lambda w: "/verify",
    "scim.endpoint": lambda w: "/scim/v2/Users",
    "scim.service_provider_config": lambda w: "/scim/v2/ServiceProviderConfig",
}
