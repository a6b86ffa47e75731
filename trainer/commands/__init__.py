"""CLI command groups, registered on the app by trainer.cli.register_commands."""

from trainer.commands.assignments import assignments_group
from trainer.commands.demo import demo_command
from trainer.commands.report import report_group
from trainer.commands.tokens import tokens_group
from trainer.commands.users import users_group

COMMANDS = [users_group, demo_command, assignments_group, report_group, tokens_group]
