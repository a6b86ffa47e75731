"""The domain model, one module per aggregate. Import models from here."""

from trainer.models.assignment import ASSIGNMENT_REASONS, Assignment
from trainer.models.audit import AuditEvent
from trainer.models.base import Base
from trainer.models.counts import NO_DATE, ComplianceCount
from trainer.models.course import Course, Module, ModuleDraft, ModuleVersion
from trainer.models.import_columns import ImportColumn
from trainer.models.job_lock import JobLock
from trainer.models.notification import NOTIFICATION_KINDS, Notification
from trainer.models.one_time import OneTimeSecret
from trainer.models.progress import Certificate, ModuleCompletion, ModuleVisit, QuizAttempt
from trainer.models.regulation import (
    RegulationUpdate,
    UpdateAcknowledgement,
    regulation_update_modules,
)
from trainer.models.requirement import (
    REQUIREMENT_STATUSES,
    Requirement,
    RequirementJobRole,
    requirement_departments,
    requirement_users,
)
from trainer.models.scim import ScimLink
from trainer.models.snapshot import ComplianceSnapshot
from trainer.models.sso import SsoIdentity, UsedSsoToken
from trainer.models.token import API_SCOPES, ApiToken, PasswordResetToken
from trainer.models.user import ROLES, Department, User, hr_scope

__all__ = [
    "API_SCOPES",
    "ASSIGNMENT_REASONS",
    "NOTIFICATION_KINDS",
    "NO_DATE",
    "REQUIREMENT_STATUSES",
    "ROLES",
    "ApiToken",
    "Assignment",
    "AuditEvent",
    "Base",
    "Certificate",
    "ComplianceCount",
    "ComplianceSnapshot",
    "Course",
    "Department",
    "ImportColumn",
    "JobLock",
    "Module",
    "ModuleCompletion",
    "ModuleDraft",
    "ModuleVersion",
    "ModuleVisit",
    "Notification",
    "OneTimeSecret",
    "PasswordResetToken",
    "QuizAttempt",
    "RegulationUpdate",
    "Requirement",
    "RequirementJobRole",
    "ScimLink",
    "SsoIdentity",
    "UpdateAcknowledgement",
    "UsedSsoToken",
    "User",
    "hr_scope",
    "regulation_update_modules",
    "requirement_departments",
    "requirement_users",
]
