"""CLI command groups, registered on the app by trainer.cli.register_commands."""

from trainer.commands.assignments import assignments_group
from trainer.commands.audit import audit_group
from trainer.commands.courses import courses_group
from trainer.commands.demo import demo_command
from trainer.commands.mail import mail_group
from trainer.commands.reminders import reminders_group
from trainer.commands.report import report_group
from trainer.commands.retention import retention_group
from trainer.commands.serve import serve_command
from trainer.commands.tokens import tokens_group
from trainer.commands.users import users_group

COMMANDS = [
    users_group,
    courses_group,
    assignments_group,
    demo_command,
    reminders_group,
    mail_group,
    report_group,
    tokens_group,
    retention_group,
    audit_group,
    serve_command,
]
