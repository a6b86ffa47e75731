"""Options shared by several commands."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click

from trainer import clock


def _freeze_clock(ctx: click.Context, param: click.Parameter, value: dt.datetime | None) -> Any:
    if value is not None:
        clock.freeze(value.date())
    return value.date() if value else None


as_of_option = click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    callback=_freeze_clock,
    expose_value=True,
    is_eager=True,
    help="Act as if today were this date (YYYY-MM-DD).",
)
