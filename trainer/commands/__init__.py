"""CLI command groups, registered on the app by trainer.cli.register_commands."""

from trainer.commands.courses import courses_group
from trainer.commands.demo import demo_command
from trainer.commands.users import users_group

COMMANDS = [users_group, courses_group, demo_command]
