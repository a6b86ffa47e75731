"""`trainer tokens ...`: API tokens for HR systems (the admin pages will offer the same)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from trainer import clock
from trainer.audit import Actor
from trainer.extensions import db
from trainer.models import API_SCOPES
from trainer.people.accounts import find_by_email
from trainer.people.api_tokens import TokenError, create_token, list_tokens, revoke_token


@click.group("tokens", help="Bearer tokens for the JSON API (/api/v1).")
def tokens_group() -> None:
    pass


@tokens_group.command("create")
@click.option("--name", required=True, help="Who or what uses the token, e.g. 'HRIS nightly sync'.")
@click.option("--scope", "scopes", multiple=True, required=True, type=click.Choice(API_SCOPES),
              help="read: lists and status; sync: employees sync. Repeat for both.")
@click.option("--expires-days", type=int, default=90, show_default=True,
              help="Days until the token stops working; 0: never.")
@click.option("--owner", help="E-mail of an HR user or admin: the token sees only what they may see.")
@with_appcontext
def create_command(name: str, scopes: tuple[str, ...], expires_days: int, owner: str | None) -> None:
    """Create a token and print it once."""
    owner_user = find_by_email(db.session, owner) if owner else None
    if owner and owner_user is None:
        raise click.BadParameter(f"there is no account {owner}.", param_hint="--owner")
    try:
        created = create_token(db.session, Actor.cli(), name=name, scopes=list(scopes),
                               expires_in_days=expires_days or None, owner=owner_user)
    except TokenError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    token = created.token
    expiry = f"expires {token.expires_at:%Y-%m-%d}" if token.expires_at else "never expires"
    click.echo(f"Token {token.id} '{token.name}' ({', '.join(token.scopes)}; {expiry}).")
    click.echo(f"Token (shown once, store it now): {created.plain}")


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
@with_appcontext
def revoke_command(token_id: int) -> None:
    """Revoke a token: it stops working at once."""
    try:
        token = revoke_token(db.session, Actor.cli(), token_id)
    except TokenError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Token {token.id} '{token.name}' is revoked.")


@tokens_group.command("list")
@with_appcontext
def list_command() -> None:
    """List tokens: id, prefix, name, scopes, state, last use."""
    now = clock.now()
    tokens = list_tokens(db.session)
    if not tokens:
        click.echo("No API tokens.")
    for token in tokens:
        if token.revoked_at:
            state = f"revoked {token.revoked_at:%Y-%m-%d}"
        elif token.expires_at and token.expires_at <= now:
            state = f"expired {token.expires_at:%Y-%m-%d}"
        else:
            state = f"expires {token.expires_at:%Y-%m-%d}" if token.expires_at else "no expiry"
        used = f"last used {token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never used"
        scopes = ", ".join(token.scopes)
        click.echo(f"{token.id:>4}  {token.prefix}…  {token.name}  [{scopes}]  {state}, {used}")
