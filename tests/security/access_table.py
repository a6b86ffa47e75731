"""Who may use every endpoint, written by hand.

This table is the expectation the route tests hold the app to. It is deliberately NOT read
from the routes' decorators: a test that takes its answer from the code under test cannot
fail. Changing who may use a route means changing the decorator AND this table, and a
reviewer sees both.

Personas (tests/security/world.py builds one of each):
  anonymous   nobody signed in
  employee    Employee A, an ordinary member of staff
  manager     Employee A's manager (an employee with reports; no extra role today)
  hr          HR for every department (no hr_scope rows)
  scoped_hr   HR limited to Sales (Employee A's department)
  admin       an administrator
  auditor     read-only: HR figures, lists and exports, the audit log (AUDITOR_PAGES), and,
              like everyone, their own training pages (STAFF); every other entry expects
              403, so nothing is opened to auditors by accident.

Entries are sets of personas that may use the endpoint (anyone else: a sign-in redirect
when anonymous, 403 when signed in), or BEARER_TOKEN for the API and SCIM, where a
browser session grants nothing (401 for every persona).

A route added to the app without an entry here fails tests/security/test_route_matrix.py.
"""

from __future__ import annotations

ANONYMOUS = "anonymous"
PERSONAS = ("anonymous", "employee", "manager", "auditor", "hr", "scoped_hr", "admin")

BEARER_TOKEN = "bearer token"
EVERYONE = frozenset(PERSONAS)
STAFF = frozenset({"employee", "manager", "auditor", "hr", "scoped_hr", "admin"})
HR = frozenset({"hr", "scoped_hr", "admin"})
ADMIN = frozenset({"admin"})
# The auditor's pages: reading figures, lists, exports and the audit trail; never a change.
AUDITOR_PAGES = frozenset({"auditor"})

ACCESS: dict[str, frozenset[str] | str] = {
    # Administration: admins only.
    "admin.add_course_module": ADMIN,
    "admin.audit_log": ADMIN | AUDITOR_PAGES,
    "admin.confirm_course_import": ADMIN,
    "admin.course": ADMIN,
    "admin.course_settings": ADMIN,
    "admin.course_status": ADMIN,
    "admin.courses": ADMIN,
    "admin.delete_update_view": ADMIN,
    "admin.discard_module_draft": ADMIN,
    "admin.edit_module": ADMIN,
    "admin.edit_requirement": ADMIN,
    "admin.edit_update": ADMIN,
    "admin.edit_user": ADMIN,
    "admin.export_course": ADMIN,
    "admin.import_course": ADMIN,
    "admin.index": ADMIN,
    "admin.mail_failures": ADMIN,
    "admin.module_diff": ADMIN,
    "admin.module_version": ADMIN,
    "admin.module_versions": ADMIN,
    "admin.move_course_module": ADMIN,
    "admin.new_course": ADMIN,
    "admin.new_requirement": ADMIN,
    "admin.new_update": ADMIN,
    "admin.new_user": ADMIN,
    "admin.requirement_status": ADMIN,
    "admin.requirements": ADMIN,
    "admin.reviews": ADMIN,
    "admin.mark_course_reviewed": ADMIN,
    "admin.retry_all_mail": ADMIN,
    "admin.retry_mail": ADMIN,
    "admin.revoke_api_token": ADMIN,
    "admin.send_password_reset": ADMIN,
    "admin.tokens": ADMIN,
    "admin.unlink_sso_identity": ADMIN,
    "admin.updates": ADMIN,
    "admin.user_status": ADMIN,
    "admin.verify_audit_chain": ADMIN | AUDITOR_PAGES,  # reads the trail, changes nothing
    # HR: every HR user (scoped ones see only their departments' people) and admins.
    "hr.assignments": HR | AUDITOR_PAGES,
    "hr.confirm_import": HR,
    "hr.import_template": HR,
    "hr.map_import_columns": HR,
    "hr.dashboard": HR | AUDITOR_PAGES,
    "hr.employee": HR | AUDITOR_PAGES,
    "hr.employees": HR | AUDITOR_PAGES,
    "hr.invite_employee": HR,
    "hr.invite_never_signed_in": HR,
    "hr.export_assignments": HR | AUDITOR_PAGES,
    "hr.export_auditor_pack": HR | AUDITOR_PAGES,
    "hr.export_completion": HR | AUDITOR_PAGES,
    "hr.export_evidence": HR | AUDITOR_PAGES,
    "hr.export_overdue": HR | AUDITOR_PAGES,
    "hr.exports": HR | AUDITOR_PAGES,
    "hr.acknowledgements": HR | AUDITOR_PAGES,
    "hr.update_acknowledgements": HR | AUDITOR_PAGES,
    "hr.policy_acknowledgements": HR | AUDITOR_PAGES,
    "hr.remind_update_acknowledgements": HR,
    "hr.remind_policy_acknowledgements": HR,
    "hr.overdue": HR | AUDITOR_PAGES,
    "hr.staff_import": HR,
    # An employee's own training and account.
    "auth.change_password": STAFF,
    "auth.logout": STAFF,
    "learn.acknowledge": STAFF,
    "learn.acknowledge_regulation_update": STAFF,
    "learn.attempt_result": STAFF,
    "learn.calendar_feed": STAFF,
    "learn.certificate": STAFF,
    "learn.course": STAFF,
    "learn.dashboard": STAFF,
    "learn.mark_all_notifications_read": STAFF,
    "learn.mark_notification_read": STAFF,
    "learn.module": STAFF,
    "learn.my_data": STAFF,
    "learn.my_team": STAFF,  # someone without reports sees an empty page
    "learn.nudge": STAFF,  # only their own reports: anyone else is a 404
    "learn.my_data_download": STAFF,
    "learn.notification_preferences": STAFF,
    "learn.notifications": STAFF,
    "learn.quiz": STAFF,
    "learn.submit_quiz": STAFF,
    "learn.transcript": STAFF,
    # Public: signing in, resetting a password, single sign-on, probes, verification.
    "auth.forgot_password": EVERYONE,
    "auth.login": EVERYONE,
    "auth.reset_password": EVERYONE,
    "auth.accept_invitation": EVERYONE,
    "ops.healthz": EVERYONE,
    "ops.readyz": EVERYONE,
    "public.calendar_feed": EVERYONE,
    "public.privacy": EVERYONE,
    "public.verify": EVERYONE,
    "public.verify_form": EVERYONE,
    "scim.service_provider_config": EVERYONE,
    "sso.oidc_callback": EVERYONE,
    "sso.oidc_start": EVERYONE,
    "sso.saml_acs": EVERYONE,
    "sso.saml_metadata": EVERYONE,
    "sso.saml_start": EVERYONE,
    # Machine interfaces: a bearer token with the right scope, never a browser session.
    "api.assignment_changes": BEARER_TOKEN,
    "api.completion_changes": BEARER_TOKEN,
    "api.course_status": BEARER_TOKEN,
    "api.courses": BEARER_TOKEN,
    "api.acknowledgement_figures": BEARER_TOKEN,
    "api.update_acknowledgement_people": BEARER_TOKEN,
    "api.policy_acknowledgement_people": BEARER_TOKEN,
    "api.employee_status": BEARER_TOKEN,
    "api.employees": BEARER_TOKEN,
    "api.employees_sync": BEARER_TOKEN,
    "scim.endpoint": BEARER_TOKEN,
}
