"""`trainer serve` (gunicorn, production) and `trainer run` (Flask's development server).

Both make every absolute link point at the address they serve on when TRAINER_BASE_URL is
unset (development only: production requires it). They put it in the environment before
the app is built, so gunicorn's workers and the development server's reloader inherit it.
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any

import click
from flask import current_app
from flask.cli import run_command as flask_run_command
from flask.cli import with_appcontext

from trainer.config import served_address


def _links_point_at(address: str) -> None:
    """Unless TRAINER_BASE_URL names the address, links use the one being served (development:
    production must name it, and the app refuses to start without it)."""
    production = os.environ.get("TRAINER_ENV", "").strip().lower() == "production"
    if not os.environ.get("TRAINER_BASE_URL") and not production:
        os.environ["TRAINER_BASE_URL"] = address
        click.echo(f"Links in e-mails, calendar feeds and certificates point at {address} "
                   "(set TRAINER_BASE_URL to change it).")


@click.pass_context
def _run(ctx: click.Context, /, **options: Any) -> None:
    scheme = "https" if options.get("cert") else "http"  # --cert serves HTTPS
    _links_point_at(served_address(options["host"], options["port"], scheme))
    assert flask_run_command.callback is not None
    ctx.invoke(flask_run_command.callback, **options)


# Flask's `run` with the same options, after choosing the address links point at.
run_command = click.Command("run", callback=_run, params=list(flask_run_command.params),
                            help=flask_run_command.help, short_help=flask_run_command.short_help)


@click.command("serve", help="Serve with gunicorn (production). Settings: TRAINER_BIND, "
                             "TRAINER_WORKERS, TRAINER_WORKER_TIMEOUT, TRAINER_PROXY_COUNT.")
@with_appcontext
def serve_command() -> None:
    config = current_app.config  # loading the app first turns bad settings into one clear line
    bind = str(config["BIND"])
    if not bind.startswith("unix:"):
        host, _, port = bind.rpartition(":")  # checked by config: a port from 1 to 65535
        _links_point_at(served_address(host.strip("[]"), int(port)))
    elif not os.environ.get("TRAINER_BASE_URL"):
        raise click.UsageError("TRAINER_BASE_URL must be set when serving on a unix socket: "
                               "it is the address people open Trainer at.")
    gunicorn = shutil.which("gunicorn", path=os.path.dirname(sys.executable)) or "gunicorn"
    argv = [
        gunicorn,
        "--bind", str(config["BIND"]),
        "--workers", str(config["WORKERS"]),
        "--timeout", str(config["WORKER_TIMEOUT"]),
        "--graceful-timeout", "30",
        # The proxy's own address; ProxyFix (TRAINER_PROXY_COUNT) trusts X-Forwarded-* headers.
        "--forwarded-allow-ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
        "--access-logfile", "-",
        "--no-control-socket",
        "--config", "python:trainer.commands.gunicorn_config",  # start-up objects frozen per worker
        "trainer:create_app()",
    ]
    click.echo(f"Serving Trainer on http://{config['BIND']} with {config['WORKERS']} workers.")
    os.execv(gunicorn, argv)  # noqa: S606 -- replaces this process with gunicorn, by design
