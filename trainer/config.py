"""Configuration: defaults here, overridden by TRAINER_* environment variables.

Every setting an operator may change is listed in DEFAULTS with a comment and documented
in README.md. `load_config` applies the environment, derives the SQLAlchemy settings and
refuses configurations that cannot work, raising ConfigError with one clear sentence.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from trainer.ints import parse_int


class ConfigError(RuntimeError):
    """The configuration cannot work; the message says what to change."""


DEFAULTS: dict[str, Any] = {
    # "development" or "production". Production demands a real secret key and HTTPS cookies.
    "ENV": "development",
    "SECRET_KEY": None,
    # Keys the audit trail's hash chain (HMAC). Kept outside the database, so whoever can
    # write to the database cannot rewrite the trail and recompute the chain.
    "AUDIT_KEY": None,
    # sqlite:///path or postgresql+psycopg://user@host/db. Default: instance/trainer.db.
    "DATABASE_URL": None,
    # The address people open Trainer at: every absolute link (e-mails, calendar feeds,
    # certificates' verify links, single sign-on) is built from it. Required in production;
    # in development `trainer run` and `trainer serve` use the address they serve on, and
    # other commands DEVELOPMENT_BASE_URL.
    "BASE_URL": None,
    "ORGANISATION_NAME": "Trainer",
    # Contact shown in the privacy notice.
    "PRIVACY_CONTACT": "the HR department",
    # Flask-Limiter storage: memory:// is per process, so production refuses it with more
    # than one worker; use redis://host:6379 (docs/security.md, "Rate limits").
    "RATELIMIT_STORAGE_URI": "memory://",
    # Failed sign-ins per client network (IPv4 address or IPv6 /64).
    "LOGIN_LIMIT_PER_IP": "20 per 10 minutes",
    # Failed sign-ins per account from one client network: a stranger cannot lock the
    # owner out from elsewhere...
    "LOGIN_LIMIT_PER_ACCOUNT": "5 per 10 minutes",
    # ...and per account from everywhere together, the ceiling for a distributed guesser.
    "LOGIN_LIMIT_PER_ACCOUNT_TOTAL": "30 per 10 minutes",
    # Sessions: absolute lifetime and idle timeout.
    "SESSION_LIFETIME_HOURS": 12,
    "SESSION_IDLE_MINUTES": 60,
    # Request bodies and uploads.
    "MAX_UPLOAD_MB": 10,
    # Largest staff CSV accepted by the HR import page (the CLI has no limit).
    "IMPORT_MAX_MB": 8,
    # A full staff sync (deactivate people missing from the list) deactivating more than this
    # share of the active people needs the expected number confirmed.
    "IMPORT_MAX_DEACTIVATION_PERCENT": 10,
    # Most employees one POST /api/v1/employees/sync may carry (413 above it).
    "API_SYNC_MAX_ROWS": 50000,
    # Compliance thresholds (days).
    "DUE_SOON_DAYS": 14,
    "EXPIRING_DAYS": 30,
    "REFRESHER_WINDOW_DAYS": 30,
    # Reminders: when to remind (days relative to the due date) and escalate.
    "REMIND_DUE_SOON_DAYS": "14,3",
    "REMIND_OVERDUE_EVERY_DAYS": 7,
    "ESCALATE_AFTER_DAYS": 14,
    "MAIL_MAX_ATTEMPTS": 5,
    # First retry after this many minutes; each further attempt waits twice as long.
    "MAIL_RETRY_MINUTES": 30,
    # A claim older than this is from a crashed run: its messages are released.
    "MAIL_CLAIM_TIMEOUT_MINUTES": 30,
    # Weekly digests go out on this weekday, from this hour (UTC).
    "DIGEST_WEEKDAY": "monday",
    "DIGEST_HOUR": 6,
    # SMTP delivery. No host: in development messages are written to the log and marked
    # sent; in production nothing is sent (exit 1) unless MAIL_BACKEND is "log".
    "MAIL_BACKEND": None,  # None (SMTP when SMTP_HOST is set) | smtp | log
    "SMTP_HOST": None,
    "SMTP_PORT": 25,
    "SMTP_SECURITY": "none",  # none | starttls | tls
    "SMTP_USER": None,
    "SMTP_PASSWORD": None,
    "SMTP_TIMEOUT": 30,
    # PEM file of a private CA that signed the SMTP server's certificate (None: system CAs).
    "SMTP_CA_FILE": None,
    "MAIL_FROM": "trainer@localhost",
    # Invitations (people who never signed in): days the set-password link in one works.
    "INVITATION_DAYS": 14,
    # Retention (days): pseudonymise leavers after this; truncate audit IPs after this.
    "RETENTION_DAYS": 730,
    "AUDIT_IP_DAYS": 90,
    # PostgreSQL time limits, in seconds (0: none). A statement of a web request running
    # longer is cancelled and the page answers 503 "busy"; waiting longer than the lock
    # timeout for a row or table lock does the same. CLI commands (scheduled jobs, imports,
    # migrations) get the longer CLI_ limits. SQLite: writers wait up to 30 s for each other.
    "STATEMENT_TIMEOUT_SECONDS": 10,
    "LOCK_TIMEOUT_SECONDS": 5,
    "CLI_STATEMENT_TIMEOUT_SECONDS": 3600,
    "CLI_LOCK_TIMEOUT_SECONDS": 60,
    "DATABASE_CONNECT_TIMEOUT_SECONDS": 10,
    # Set by the `trainer` command for itself (True: the CLI_ limits apply).
    "CLI": False,
    # Reverse proxies in front of the app (for X-Forwarded-* headers).
    "PROXY_COUNT": 0,
    # `trainer serve` (gunicorn): address, worker processes, seconds before a stuck worker
    # is restarted.
    "BIND": "127.0.0.1:8000",
    "WORKERS": 2,
    "WORKER_TIMEOUT": 30,
    # Password sign-in: false turns it off for everyone but the break-glass administrators
    # (e-mail addresses); needs single sign-on.
    "PASSWORD_SIGN_IN": True,
    "BREAK_GLASS_ADMINS": None,
    # Single sign-on (docs/sso.md). OpenID Connect: the provider's discovery URL and this
    # client's credentials; the button reads "Sign in with <OIDC_NAME>".
    "OIDC_DISCOVERY_URL": None,
    "OIDC_CLIENT_ID": None,
    "OIDC_CLIENT_SECRET": None,
    "OIDC_NAME": None,
    "OIDC_SCOPES": "openid email profile",
    # Trainer field -> claim, over the defaults (email, email_verified, name, groups).
    "OIDC_CLAIMS": None,
    # SAML 2.0: the IdP's metadata (URL, file or XML); attributes mapped like OIDC claims.
    "SAML_IDP_METADATA": None,
    "SAML_NAME": None,
    "SAML_SP_ENTITY_ID": None,  # default: BASE_URL/sso/saml/metadata
    "SAML_ATTRIBUTES": None,
    "SAML_IDP_INITIATED": False,
    "SAML_SP_KEY_FILE": None,
    "SAML_SP_CERT_FILE": None,
    # Accounts at first SSO sign-in (off), for these e-mail domains; group -> hr|admin.
    "SSO_CREATE_ACCOUNTS": False,
    "SSO_ALLOWED_DOMAINS": None,
    "SSO_GROUP_ROLES": None,
    # Tolerated difference between our clock and the identity provider's.
    "SSO_CLOCK_SKEW_SECONDS": 120,
}

SUPPORTED_DATABASES = ("sqlite", "postgresql")
DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"  # where `flask run` serves by default
MIN_SECRET_LENGTH = 32


def apply_config(config: Any, instance_path: str, overrides: dict[str, Any] | None) -> None:
    """Fill a Flask config: defaults < TRAINER_* environment < overrides, then derive and check.

    `config` is the Flask Config object, so `from_prefixed_env` parses values as JSON
    (TRAINER_SMTP_PORT=587 becomes an int) exactly as Flask documents.
    """
    config.from_mapping(DEFAULTS)
    config.from_prefixed_env("TRAINER")
    config.update(overrides or {})
    config["ENV"] = str(config["ENV"]).lower()
    if config["ENV"] not in ("development", "production"):
        raise ConfigError(f"TRAINER_ENV must be 'development' or 'production', not {config['ENV']!r}")
    config["SQLALCHEMY_DATABASE_URI"] = database_url(config["DATABASE_URL"], instance_path)
    config["SECRET_KEY"] = _secret_key(config, instance_path)
    config["AUDIT_KEY"] = _audit_key(config, instance_path)
    _check_bind(config["BIND"])
    production = config["ENV"] == "production"
    if production:
        _check_rate_limit_storage(config)
    config["BASE_URL"] = _base_url(config.get("BASE_URL"), production)
    config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=production,
        REMEMBER_COOKIE_SECURE=production,
        REMEMBER_COOKIE_HTTPONLY=True,
        MAX_CONTENT_LENGTH=int(config["MAX_UPLOAD_MB"]) * 1024 * 1024,
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(config["SQLALCHEMY_DATABASE_URI"], config),
        RATELIMIT_STORAGE_URI=config["RATELIMIT_STORAGE_URI"],
        RATELIMIT_HEADERS_ENABLED=True,
    )


def database_url(url: str | None, instance_path: str) -> str:
    """Validate and normalise the database URL; psycopg 3 is the PostgreSQL driver."""
    if not url:
        return "sqlite:///" + str(Path(instance_path) / "trainer.db")
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"TRAINER_DATABASE_URL is not a database URL: {url!r}") from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_DATABASES:
        raise ConfigError(
            f"TRAINER_DATABASE_URL uses unsupported database {backend!r}; "
            "use sqlite:///path or postgresql+psycopg://user@host/db"
        )
    if parsed.port is not None and not 1 <= parsed.port <= 65535:
        raise ConfigError(f"TRAINER_DATABASE_URL has port {parsed.port}; a port is from 1 to 65535")
    if backend == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _check_bind(bind: Any) -> None:
    """TRAINER_BIND is host:port (gunicorn's syntax), the port from 1 to 65535, or unix:PATH."""
    if str(bind).startswith("unix:"):
        return
    host, _, port = str(bind).rpartition(":")
    if not host or parse_int(port, minimum=1, maximum=65535) is None:  # not isdigit(): "²"
        raise ConfigError(f"TRAINER_BIND must be host:port with a port from 1 to 65535 (got {bind!r})")


def _base_url(value: Any, production: bool) -> str:
    """The address links are built from: http(s)://host[:port][/path], without a trailing /."""
    if not value:
        if production:
            raise ConfigError(
                "TRAINER_BASE_URL must be set when TRAINER_ENV=production: the address people open "
                "Trainer at (e.g. https://training.example.com), from which e-mails, calendar feeds "
                "and certificates build their links"
            )
        return DEVELOPMENT_BASE_URL
    url = str(value).strip().rstrip("/")
    try:
        parsed = urlsplit(url)
        port = parsed.port  # raises ValueError when out of range or not a number
    except ValueError:
        parsed, port = None, None
    if (parsed is None or parsed.scheme not in ("http", "https") or not parsed.hostname
            or parsed.query or parsed.fragment or parsed.username or any(c.isspace() for c in url)
            or (port is not None and port == 0)):
        raise ConfigError(f"TRAINER_BASE_URL must be an address like https://training.example.com "
                          f"(http or https, a host, optionally a port and a path), not {value!r}")
    return url


def served_address(host: str, port: int, scheme: str = "http") -> str:
    """The base URL for a server listening on host:port. A wildcard host (every interface)
    is reached as this machine's loopback address; others need TRAINER_BASE_URL."""
    host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"{scheme}://{host}:{port}"


def _engine_options(url: str, config: Any) -> dict[str, Any]:
    if url.startswith("sqlite"):
        # Several threads (live-server tests, dev server) share the file; wait for locks.
        return {"connect_args": {"timeout": 30}}
    prefix = "CLI_" if config.get("CLI") else ""
    statement = _seconds(config, f"{prefix}STATEMENT_TIMEOUT_SECONDS")
    lock = _seconds(config, f"{prefix}LOCK_TIMEOUT_SECONDS")
    connect = _seconds(config, "DATABASE_CONNECT_TIMEOUT_SECONDS")
    options = f"-c statement_timeout={int(statement * 1000)} -c lock_timeout={int(lock * 1000)}"
    connect_args: dict[str, Any] = {"options": options}
    if connect:
        connect_args["connect_timeout"] = max(1, round(connect))
    # No pool_pre_ping: trainer.pool_ping tests a connection only after it sat idle.
    return {"connect_args": connect_args}


def _seconds(config: Any, name: str) -> float:
    """A non-negative number of seconds (0: no limit)."""
    try:
        value = float(config[name])
    except (TypeError, ValueError):
        value = -1
    if not 0 <= value <= 86400:
        raise ConfigError(f"TRAINER_{name} must be a number of seconds from 0 (no limit) to 86400 "
                          f"(got {config[name]!r})")
    return value


def _secret_key(config: dict[str, Any], instance_path: str) -> str:
    """Production: TRAINER_SECRET_KEY is required. Development: one is generated once."""
    key_file = Path(instance_path) / "secret_key"
    key = config.get("SECRET_KEY")
    if config["ENV"] == "production":
        key = _production_key("TRAINER_SECRET_KEY", key)
        if key_file.exists() and key_file.read_text().strip() == key:
            raise ConfigError(
                "TRAINER_SECRET_KEY is the generated development key; production needs its own"
            )
        return key
    if key:
        return str(key)
    return _development_key(key_file)


def _production_key(name: str, key: Any, why: str = "") -> str:
    """A key production cannot do without: set, and long enough to be random."""
    if not key:
        raise ConfigError(
            f"{name} must be set when TRAINER_ENV=production{why} "
            '(generate one with: python -c "import secrets; print(secrets.token_urlsafe(48))")'
        )
    if len(str(key)) < MIN_SECRET_LENGTH:
        raise ConfigError(f"{name} is too short for production: use at least "
                          f"{MIN_SECRET_LENGTH} random characters")
    return str(key)


def _check_rate_limit_storage(config: dict[str, Any]) -> None:
    """memory:// counts per process: with two workers every limit doubles (the sign-in limit
    of 5 let 10 guesses through), so production refuses it unless one worker serves."""
    storage = str(config["RATELIMIT_STORAGE_URI"])
    if storage.startswith("memory://") and int(config["WORKERS"]) > 1:
        raise ConfigError(
            f"TRAINER_RATELIMIT_STORAGE_URI is {storage} but TRAINER_WORKERS={config['WORKERS']}: "
            "in-memory rate limits are per process, so each worker would allow the full limit; "
            "set TRAINER_RATELIMIT_STORAGE_URI=redis://HOST:6379 (shared by every worker and host) "
            "or TRAINER_WORKERS=1"
        )


def _audit_key(config: dict[str, Any], instance_path: str) -> str:
    """Production: TRAINER_AUDIT_KEY is required (not the secret key: it must outlive a
    rotation of that). Development: one is generated once into the instance folder."""
    key = config.get("AUDIT_KEY")
    if config["ENV"] == "production":
        key = _production_key("TRAINER_AUDIT_KEY", key, ": it keys the audit trail's hash chain; "
                              "keep it outside the database and its backups")
        if key == str(config["SECRET_KEY"]):
            raise ConfigError("TRAINER_AUDIT_KEY must differ from TRAINER_SECRET_KEY")
        return key
    return str(key) if key else _development_key(Path(instance_path) / "audit_key")


def _development_key(key_file: Path) -> str:
    """The key kept in `key_file`, made on first use. Processes started together (two cron
    jobs, a test's workers) agree on one key: the key is written to a file of its own and
    linked into place, which fails if another process got there first, and then its key,
    complete by construction, is read instead."""
    if key_file.exists():
        return key_file.read_text().strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    draft = key_file.with_name(f".{key_file.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(key + "\n")
        os.link(draft, key_file)
    except FileExistsError:
        return key_file.read_text().strip()
    finally:
        draft.unlink(missing_ok=True)
    return key
