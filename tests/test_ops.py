"""Liveness, readiness, request ids, JSON logs and `trainer serve` under gunicorn."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
import urllib.request

from tests.fixtures.smtp import free_port
from trainer.logs import JsonFormatter, RequestIdFilter


def test_healthz_and_readyz_when_ready(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json() == {"status": "ready"}


def test_readyz_reports_pending_migrations(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/empty.db")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["reason"] == "database migrations pending"


def test_readyz_reports_an_unreachable_database(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/no/such/dir/x.db")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["reason"] == "database unreachable"


def test_request_id_is_echoed_or_made_up(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    made_up = client.get("/healthz", headers={"X-Request-ID": "<script>"}).headers["X-Request-ID"]
    assert len(made_up) == 32 and made_up.isalnum()


def test_json_log_lines_carry_the_request_id(app):
    record = logging.LogRecord("trainer.test", logging.WARNING, __file__, 1, "disk %s", ("full",), None)
    with app.test_request_context("/"):
        from flask import g

        g.request_id = "req-42"
        RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "disk full"
    assert line["request_id"] == "req-42"
    assert line["level"] == "WARNING"


def test_trainer_serve_runs_gunicorn_with_two_workers(app_config, tmp_path):
    port = free_port()
    env = {**os.environ, "TRAINER_DATABASE_URL": app_config["DATABASE_URL"],
           "TRAINER_INSTANCE_PATH": str(tmp_path), "TRAINER_BIND": f"127.0.0.1:{port}",
           "TRAINER_WORKERS": "2", "TRAINER_ENV": "production", "TRAINER_SECRET_KEY": "s" * 48,
           "TRAINER_AUDIT_KEY": "a" * 48, "TRAINER_BASE_URL": "https://training.example.com",
           "TRAINER_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
           "HOME": str(tmp_path)}
    trainer = os.path.join(os.path.dirname(sys.executable), "trainer")
    process = subprocess.Popen([trainer, "serve"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        body = _get_when_up(f"http://127.0.0.1:{port}/readyz", process)
        assert json.loads(body) == {"status": "ready"}
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=30)
    assert "Booting worker" in output
    assert output.count("Booting worker") == 2
    # Each worker takes its start-up objects out of the garbage collector's reach.
    assert output.count(" start-up objects out of garbage collection") == 2
    # Production logs are JSON lines with a request id.
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert lines
    assert all({"time", "level", "logger", "message", "request_id"} <= set(line) for line in lines)


def _get_when_up(url: str, process: subprocess.Popen) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"trainer serve exited: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 -- loopback
                return response.read().decode()
        except OSError:
            time.sleep(0.3)
    raise AssertionError("trainer serve did not answer within 30 s")
