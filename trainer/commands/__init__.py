"""CLI command groups, registered on the app by trainer.cli.register_commands."""

from trainer.commands.assignments import assignments_group
from trainer.commands.demo import demo_command
from trainer.commands.reminders import reminders_group
from trainer.commands.users import users_group

COMMANDS = [users_group, demo_command, assignments_group, reminders_group]
