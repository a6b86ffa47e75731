"""`trainer users ...`: create accounts from the command line."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from trainer.audit import Actor
from trainer.extensions import db
from trainer.models import ROLES
from trainer.people.accounts import AccountError, NewUser, create_user
from trainer.security import generate_password


@click.group("users", help="Manage staff accounts.")
def users_group() -> None:
    pass


@users_group.command("create")
@click.option("--email", required=True, help="Work e-mail address (the login).")
@click.option("--name", required=True, help="Full name.")
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), default=["employee"],
              show_default=True, help="Role; repeat for several. Everyone is an employee.")
@click.option("--department", help="Department name (created when new).")
@click.option("--job-role", help="Job role, e.g. 'Customer service agent'.")
@click.option("--manager-email", help="E-mail address of the person's manager.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--generate-password", "generate", is_flag=True,
              help="Generate a password and print it once.")
@with_appcontext
def create_command(email: str, name: str, roles: tuple[str, ...], department: str | None,
                   job_role: str | None, manager_email: str | None, password_stdin: bool,
                   generate: bool) -> None:
    """Create an account; the password is prompted for unless given another way."""
    password = _read_password(password_stdin, generate)
    new = NewUser(email=email, name=name, roles=tuple({"employee", *roles}),
                  department=department, job_role=job_role, manager_email=manager_email,
                  password=password)
    try:
        user = create_user(db.session, Actor.cli(), new)
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.email} ({', '.join(sorted(user.roles))}).")
    if generate:
        click.echo(f"Password (shown once): {password}")


def _read_password(from_stdin: bool, generate: bool) -> str:
    if generate:
        return generate_password()
    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
        if not password:
            raise click.ClickException("No password on standard input.")
        return password
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)
