"""`trainer users ...`: create accounts, import staff lists and send invitations from the command line."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import true
from sqlalchemy.sql.elements import ColumnElement

from trainer import clock
from trainer.audit import Actor
from trainer.commands.options import as_of_option
from trainer.config import ConfigError
from trainer.extensions import db
from trainer.identity.inviting import invitable, invite
from trainer.models import ROLES, User
from trainer.notify.settings import ReminderSettings
from trainer.people.accounts import AccountError, NewUser, create_user, find_by_email
from trainer.people.privileged import Authority
from trainer.people.staff_apply import apply_import
from trainer.people.staff_columns import parse_mapping, saved_mapping
from trainer.people.staff_file import read_staff_bytes
from trainer.people.staff_import import CLEARABLE, ImportOptions, ImportPlan, plan_import
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
@click.option("--auditor-until", type=click.DateTime(["%Y-%m-%d"]),
              help="With --role auditor: the role's last day (YYYY-MM-DD).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--generate-password", "generate", is_flag=True,
              help="Generate a password and print it once.")
@click.option("--hr-all-departments", is_flag=True,
              help="With --role hr: sees every department (otherwise none until an admin ticks some).")
@with_appcontext
def create_command(email: str, name: str, roles: tuple[str, ...], department: str | None,
                   job_role: str | None, manager_email: str | None, auditor_until: dt.datetime | None,
                   password_stdin: bool, generate: bool, hr_all_departments: bool) -> None:
    """Create an account; the password is prompted for unless given another way."""
    if auditor_until is not None and "auditor" not in roles:
        raise click.BadParameter("only with --role auditor.", param_hint="--auditor-until")
    password = _read_password(password_stdin, generate)
    new = NewUser(email=email, name=name, roles=tuple({"employee", *roles}),
                  department=department, job_role=job_role, manager_email=manager_email,
                  password=password, auditor_until=auditor_until.date() if auditor_until else None)
    try:
        user = create_user(db.session, Actor.cli(), new)
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    user.hr_all_departments = user.is_hr and hr_all_departments
    db.session.commit()
    click.echo(f"Created {user.email} ({', '.join(sorted(user.roles))}).")
    if user.is_hr and not hr_all_departments:
        click.echo("HR scope: no department yet. Tick departments on Admin → Users, or create the "
                   "account with --hr-all-departments.")
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


PREVIEW_ROWS = 50


@users_group.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Show what would change, change nothing.")
@click.option("--deactivate-missing", is_flag=True,
              help="The file is the full staff list: deactivate active people not in it.")
@click.option("--allow-mass-deactivation", type=click.IntRange(min=1), metavar="N",
              help="With --deactivate-missing: go ahead although more than the allowed share "
                   "(TRAINER_IMPORT_MAX_DEACTIVATION_PERCENT) would be deactivated, if exactly N would.")
@click.option("--skip-bad-rows", is_flag=True, help="Import the good rows even if some rows have errors.")
@click.option("--clear", "clear_fields", multiple=True, type=click.Choice(CLEARABLE),
              help="An empty cell in this column clears the field (otherwise it keeps it). Repeatable.")
@click.option("--map", "maps", multiple=True, metavar="'COLUMN=field'",
              help="The field a column of the file gives, e.g. --map 'Work Email=email'; "
                   "'COLUMN=' ignores it. Repeat for several. Known names, and columns mapped on "
                   "the HR import page, need none.")
@click.option("--map-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A file of COLUMN=field lines (# starts a comment), read before --map.")
@as_of_option
@with_appcontext
def import_command(csv_file: Path, dry_run: bool, deactivate_missing: bool,
                   allow_mass_deactivation: int | None, skip_bad_rows: bool, clear_fields: tuple[str, ...],
                   maps: tuple[str, ...], map_file: Path | None, as_of: dt.date | None) -> None:
    """Create, update and deactivate staff from an HR system's CSV export (comma, semicolon or
    tab separated; UTF-8, UTF-16 or Windows-1252), in one transaction, then sync assignments.
    Fields: email, name (or first and last name), employee_id, department, job_role,
    manager_email, hired_on, active; docs/staff-import.md lists the column names known."""
    lines = map_file.read_text(encoding="utf-8-sig").splitlines() if map_file else []
    try:
        # The HR page's remembered mapping first; a mapping given here wins.
        mapping = {**saved_mapping(db.session), **parse_mapping([*lines, *maps])}
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--map") from None
    raw = csv_file.read_bytes()
    with click.progressbar(length=raw.count(b"\n") or 1, label="Reading rows", file=sys.stderr) as bar:
        staff = read_staff_bytes(raw, progress=bar.update, mapping=mapping)
    options = ImportOptions(
        deactivate_missing=deactivate_missing, skip_bad_rows=skip_bad_rows,
        allow_mass_deactivation=allow_mass_deactivation, clear_fields=frozenset(clear_fields),
        max_deactivation_percent=float(current_app.config["IMPORT_MAX_DEACTIVATION_PERCENT"]))
    plan = plan_import(db.session, staff, options, authority=Authority.operator())
    _print_plan(plan)
    if plan.deactivation_blocked:
        db.session.rollback()
        hint = "" if allow_mass_deactivation else \
            f" If it is, confirm with --allow-mass-deactivation {len(plan.deactivated)}."
        raise click.ClickException(plan.deactivation_blocked + hint)
    if not plan.can_apply:
        db.session.rollback()
        raise click.ClickException(f"{len(plan.bad_lines)} rows have errors; nothing was imported. "
                                   "Fix them, or import the rest with --skip-bad-rows.")
    if dry_run:
        db.session.rollback()
        click.echo("Dry run: nothing was changed.")
        return
    result = apply_import(db.session, Actor.cli(), plan, clock.today(),
                          refresher_window_days=int(current_app.config["REFRESHER_WINDOW_DAYS"]))
    db.session.commit()
    click.echo(f"Imported: {result.summary()}.")


def _print_plan(plan: ImportPlan) -> None:
    summary = plan.summary()
    click.echo(", ".join(f"{n} {what.replace('_', ' ')}" for what, n in summary.items()) + ".")
    for note in plan.notes:
        click.echo(f"  note: {note}")
    for department in plan.new_departments:
        click.echo(f"  new department: {department} (will be created)")
    for problem in plan.problems:
        click.echo(f"  line {problem.line}: {problem.message}")
    for refused in plan.refused:
        where = f"line {refused.line}" if refused.line else "not in the file"
        click.echo(f"  refused ({where}): {refused.email} {refused.reason}")
    for row in plan.created[:PREVIEW_ROWS]:
        click.echo(f"  + {row.email} ({row.name})")
    for change in plan.updated[:PREVIEW_ROWS]:
        fields = "; ".join(f"{f}: {old} -> {new}" for f, (old, new) in change.changes.items())
        click.echo(f"  ~ {change.row.email}: {fields}")
    for account in plan.deactivated[:PREVIEW_ROWS]:
        click.echo(f"  - {account.email} (deactivate)")
    hidden = sum(max(0, len(rows) - PREVIEW_ROWS) for rows in (plan.created, plan.updated, plan.deactivated))
    if hidden:
        click.echo(f"  … and {hidden} more changes.")


@users_group.command("invite")
@click.option("--email", help="Invite this person (again).")
@click.option("--all-pending", is_flag=True, help="Invite (again) everyone active who has never signed in.")
@click.option("--dry-run", is_flag=True, help="Say whom it would invite; send nothing.")
@with_appcontext
def invite_command(email: str | None, all_pending: bool, dry_run: bool) -> None:
    """E-mail invitations now to people who have never signed in (a link to choose a password,
    or how to sign in with single sign-on). The reminder run sends each person's first
    invitation by itself; this sends one again. Exits 1 when any could not be sent."""
    if bool(email) == all_pending:
        raise click.UsageError("Give either --email or --all-pending.")
    who = _invitees(email)
    count = invitable(db.session, who)
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run: {_people(count)} would be invited. Nothing was sent.")
        return
    try:
        settings = ReminderSettings.from_config(current_app.config)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    invited = invite(db.session, settings, Actor.cli(), who)
    d = invited.delivery
    click.echo(f"Invited {_people(count)}: {d.sent} sent, {d.skipped} skipped, {d.retrying} to retry, "
               f"{d.failed} failed.")
    if d.stopped:
        click.echo(f"Delivery stopped: the mail server could not be used ({d.stopped}). "
                   "The next reminder run tries again.")
    if invited.retrying:
        sys.exit(1)


def _invitees(email: str | None) -> ColumnElement[bool]:
    if email is None:
        return true()
    user = find_by_email(db.session, email)
    if user is None:
        raise click.ClickException(f"No account has the address {email}.")
    if not user.active:
        raise click.ClickException(f"{user.email} is deactivated; reactivate the account first.")
    if user.last_signed_in_at is not None:
        raise click.ClickException(f"{user.email} has signed in before; an invitation is only for people "
                                   "who never have. Send a password reset instead.")
    return User.id == user.id


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"
