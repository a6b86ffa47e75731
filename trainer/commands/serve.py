"""`trainer serve`: run Trainer under gunicorn with the project's settings."""

from __future__ import annotations

import os
import shutil
import sys

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("serve", help="Serve with gunicorn (production). Settings: TRAINER_BIND, "
                             "TRAINER_WORKERS, TRAINER_WORKER_TIMEOUT, TRAINER_PROXY_COUNT.")
@with_appcontext
def serve_command() -> None:
    config = current_app.config  # loading the app first turns bad settings into one clear line
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
        "trainer:create_app()",
    ]
    click.echo(f"Serving Trainer on http://{config['BIND']} with {config['WORKERS']} workers.")
    os.execv(gunicorn, argv)  # noqa: S606 -- replaces this process with gunicorn, by design
