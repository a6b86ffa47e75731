"""`trainer audit verify` and `trainer audit anchor`: the audit trail's hash chain."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from trainer import audit
from trainer.extensions import db


@click.group("audit", help="The tamper-evident audit trail.")
def audit_group() -> None:
    pass


@audit_group.command("verify")
@click.option("--anchor", "anchor_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A file of anchors written by `trainer audit anchor`: each must still match.")
@with_appcontext
def verify_command(anchor_file: Path | None) -> None:
    """Exit 1 and name the first broken link if any event was changed or removed."""
    broken = audit.verify_chain(db.session)
    if broken is not None:
        raise click.ClickException(
            f"audit trail broken at event #{broken.id} ({broken.action} at "
            f"{broken.at.isoformat()}): it or the event before it was changed or removed"
        )
    if anchor_file is not None:
        anchors = _read_anchors(anchor_file)
        for anchor in anchors:
            problem = audit.check_anchor(db.session, anchor)
            if problem is not None:
                raise click.ClickException(f"audit trail does not match {anchor_file}: {problem}")
        click.echo(f"Audit trail intact and matches {len(anchors)} anchor(s) in {anchor_file}.")
        return
    click.echo("Audit trail intact.")


@audit_group.command("anchor")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Also append the anchor to this file (one JSON object per line).")
@with_appcontext
def anchor_command(output: Path | None) -> None:
    """Print the head of the chain (sequence, hash, time) as one JSON line to keep outside
    the database: `trainer audit verify --anchor FILE` later proves nothing up to it was
    removed or rewritten."""
    broken = audit.verify_chain(db.session)
    if broken is not None:
        raise click.ClickException(f"audit trail broken at event #{broken.id}: not anchoring it")
    anchor = audit.head(db.session)
    if anchor is None:
        raise click.ClickException("the audit trail is empty: nothing to anchor yet")
    line = anchor.to_json()
    if output is not None:
        with output.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
    click.echo(line)


def _read_anchors(path: Path) -> list[audit.Anchor]:
    anchors = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            anchors.append(audit.Anchor.from_json(line))
        except (ValueError, KeyError, TypeError):
            raise click.ClickException(f"{path}, line {number}: not an anchor from "
                                       "`trainer audit anchor`") from None
    if not anchors:
        raise click.ClickException(f"{path} holds no anchor")
    return anchors
