"""`trainer audit verify`: check the audit trail's hash chain."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from trainer import audit
from trainer.extensions import db


@click.group("audit", help="The tamper-evident audit trail.")
def audit_group() -> None:
    pass


@audit_group.command("verify")
@with_appcontext
def verify_command() -> None:
    """Exit 1 and name the first broken link if any event was changed or removed."""
    broken = audit.verify_chain(db.session)
    if broken is not None:
        raise click.ClickException(
            f"audit trail broken at event #{broken.id} ({broken.action} at "
            f"{broken.at.isoformat()}): it or the event before it was changed or removed"
        )
    click.echo("Audit trail intact.")
