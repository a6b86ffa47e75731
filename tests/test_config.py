"""Configuration: bad settings fail at start with one clear line."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from trainer import ConfigError, create_app


def test_unknown_database_scheme_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="unsupported database 'mysql'"):
        create_app({"DATABASE_URL": "mysql://localhost/db", "INSTANCE_PATH": str(tmp_path)})


def test_production_without_secret_key_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="TRAINER_SECRET_KEY must be set"):
        create_app({"ENV": "production", "INSTANCE_PATH": str(tmp_path)})


def test_production_refuses_the_generated_development_key(tmp_path):
    create_app({"INSTANCE_PATH": str(tmp_path)})  # generates the development key
    dev_key = (tmp_path / "secret_key").read_text().strip()
    with pytest.raises(ConfigError, match="development key"):
        create_app({"ENV": "production", "SECRET_KEY": dev_key, "INSTANCE_PATH": str(tmp_path)})


def test_development_key_is_generated_once_and_private(tmp_path):
    first = create_app({"INSTANCE_PATH": str(tmp_path)})
    second = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_production_sets_secure_cookies(tmp_path):
    app = create_app({"ENV": "production", "SECRET_KEY": "x" * 40, "AUDIT_KEY": "a" * 40,
                      "WORKERS": 1, "INSTANCE_PATH": str(tmp_path), "BASE_URL": "https://training.example.com"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_postgresql_urls_use_psycopg3(tmp_path):
    app = create_app({"DATABASE_URL": "postgresql://u@db.example/x", "INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


def test_environment_variables_configure_the_app(tmp_path, monkeypatch):
    monkeypatch.setenv("TRAINER_SMTP_PORT", "2525")
    monkeypatch.setenv("TRAINER_ORGANISATION_NAME", "Acme Shop")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SMTP_PORT"] == 2525
    assert app.config["ORGANISATION_NAME"] == "Acme Shop"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"TRAINER_DATABASE_URL": "oracle://x/y"}, "unsupported database 'oracle'"),
        ({"TRAINER_ENV": "production"}, "TRAINER_SECRET_KEY must be set"),
        ({"TRAINER_ENV": "production", "TRAINER_SECRET_KEY": "x" * 40, "TRAINER_AUDIT_KEY": "a" * 40,
          "TRAINER_WORKERS": "1"}, "TRAINER_BASE_URL must be set when TRAINER_ENV=production"),
    ],
)
def test_cli_reports_bad_configuration_in_one_line(tmp_path, env, expected):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRAINER_")}
    environment |= {"TRAINER_INSTANCE_PATH": str(tmp_path), **env}
    result = subprocess.run(
        [sys.executable, "-m", "trainer.cli", "routes"],
        capture_output=True, text=True, env=environment, timeout=60, check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("trainer: configuration error:")
    assert expected in lines[0]


@pytest.mark.parametrize(("url", "expected"), [
    ("postgresql+psycopg://trainer:s3cret-pw@127.0.0.1:{port}/trainer",
     "trainer: cannot reach the database at 127.0.0.1:{port}/trainer: "),
    ("postgresql+psycopg://trainer:s3cret-pw@no-such-host.invalid/trainer",
     "trainer: cannot reach the database at no-such-host.invalid:5432/trainer: "),
    ("sqlite:////nonexistent-folder/trainer.db",
     "trainer: cannot open the SQLite database /nonexistent-folder/trainer.db: "),
])
def test_an_unreachable_database_is_one_line_naming_the_host_and_exit_2(tmp_path, url, expected):
    import socket

    with socket.socket() as sock:  # a port where nothing listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRAINER_")}
    environment |= {"TRAINER_DATABASE_URL": url.format(port=port), "TRAINER_INSTANCE_PATH": str(tmp_path)}
    for command in (["assignments", "sync"], ["db", "upgrade"], ["audit", "verify"]):
        run = subprocess.run([sys.executable, "-m", "trainer.cli", *command], env=environment,
                             capture_output=True, text=True, timeout=60)
        assert run.returncode == 2, run.stderr
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(expected.format(port=port)), run.stderr
        assert "s3cret-pw" not in run.stderr + run.stdout


def test_production_needs_an_audit_key_of_its_own(tmp_path):
    base = {"ENV": "production", "SECRET_KEY": "x" * 40, "WORKERS": 1, "INSTANCE_PATH": str(tmp_path),
            "BASE_URL": "https://training.example.com"}
    with pytest.raises(ConfigError, match="TRAINER_AUDIT_KEY must be set"):
        create_app(base)
    with pytest.raises(ConfigError, match="TRAINER_AUDIT_KEY is too short"):
        create_app({**base, "AUDIT_KEY": "short"})
    with pytest.raises(ConfigError, match="must differ from TRAINER_SECRET_KEY"):
        create_app({**base, "AUDIT_KEY": "x" * 40})
    assert create_app({**base, "AUDIT_KEY": "a" * 32}).config["AUDIT_KEY"] == "a" * 32


def test_development_generates_an_audit_key_once(tmp_path):
    first = create_app({"SECRET_KEY": "x" * 40, "INSTANCE_PATH": str(tmp_path)}).config["AUDIT_KEY"]
    again = create_app({"SECRET_KEY": "x" * 40, "INSTANCE_PATH": str(tmp_path)}).config["AUDIT_KEY"]
    assert first == again and len(first) >= 32
    assert (tmp_path / "audit_key").stat().st_mode & 0o077 == 0


def test_a_development_key_made_meanwhile_by_another_process_is_the_one_used(tmp_path, monkeypatch):
    """Two processes started together (two cron jobs at the same minute) both find no key
    file; the second to write must take the first's key, not fail (a `trainer reminders send`
    pair failed with FileExistsError) or make another."""
    from pathlib import Path

    from trainer import config

    key_file = tmp_path / "audit_key"
    real_exists = Path.exists

    def the_other_process_wins(path: Path) -> bool:
        if path == key_file and not real_exists(path):
            key_file.write_text("the-other-process-key\n")  # after our check, before our write
            return False
        return real_exists(path)

    monkeypatch.setattr(Path, "exists", the_other_process_wins)
    assert config._development_key(key_file) == "the-other-process-key"
    assert [p.name for p in tmp_path.iterdir()] == ["audit_key"]  # no draft left behind


def test_development_keys_made_by_processes_started_together_agree(tmp_path):
    script = ("import sys; from pathlib import Path; from trainer.config import _development_key; "
              "print(_development_key(Path(sys.argv[1])))")
    runs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path / "secret_key")],
                             stdout=subprocess.PIPE, text=True) for _ in range(6)]
    keys = {run.communicate(timeout=60)[0].strip() for run in runs}
    assert all(run.returncode == 0 for run in runs)
    assert keys == {(tmp_path / "secret_key").read_text().strip()}
    assert stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode) == 0o600
