"""Options shared by several commands."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable
from typing import Any, ParamSpec

import click

from trainer import clock, jobs

P = ParamSpec("P")


# --as-of beyond these is a typo, and dates near year 1 or 9999 overflow date arithmetic.
EARLIEST_AS_OF = dt.date(2000, 1, 1)
LATEST_AS_OF = dt.date(2099, 12, 31)


def _freeze_clock(ctx: click.Context, param: click.Parameter, value: dt.datetime | None) -> Any:
    if value is None:
        return None
    day = value.date()
    if not EARLIEST_AS_OF <= day <= LATEST_AS_OF:
        raise click.BadParameter(f"{day.isoformat()} is outside {EARLIEST_AS_OF.isoformat()} to "
                                 f"{LATEST_AS_OF.isoformat()}.")
    clock.freeze(day)
    return day


as_of_option = click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    callback=_freeze_clock,
    expose_value=True,
    is_eager=True,
    help="Act as if today were this date (YYYY-MM-DD).",
)


def scheduled_job(name: str) -> Callable[[Callable[P, None]], Callable[P, None]]:
    """Run the command under the job lock `name` (trainer.jobs), after its app context.

    A second run while one is in progress exits 0 with "another run is in progress", so a
    cron line such as `sync && reminders send` goes on. `--dry-run` only reads: no lock.
    """

    def decorate(command: Callable[P, None]) -> Callable[P, None]:
        @functools.wraps(command)
        def run(*args: P.args, **kwargs: P.kwargs) -> None:
            if kwargs.get("dry_run"):
                command(*args, **kwargs)
                return
            from trainer.extensions import db

            with contextlib.ExitStack() as stack:
                try:
                    stack.enter_context(jobs.job_lock(db.engine, name))
                except jobs.JobBusy as busy:
                    click.echo(f"trainer {name}: {busy}; this run did nothing.")
                    return
                command(*args, **kwargs)

        return run

    return decorate
