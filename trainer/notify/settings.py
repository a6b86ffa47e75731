"""Reminder and mail settings, read once from the app config into plain values."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from trainer.config import DEVELOPMENT_BASE_URL, ConfigError
from trainer.identity.policy import PasswordPolicy
from trainer.identity.settings import button_names

SECURITY_MODES = ("none", "starttls", "tls")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclasses.dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 25
    security: str = "none"  # none | starttls | tls (implicit TLS)
    user: str | None = None
    password: str | None = None
    timeout: float = 30
    ca_file: str | None = None  # a private CA for the relay's certificate; None: system CAs


@dataclasses.dataclass(frozen=True)
class ReminderSettings:
    """Everything planning and delivery need to know; see README's configuration table."""

    due_soon_days: tuple[int, ...] = (14, 3)  # descending
    overdue_every_days: int = 7
    escalate_after_days: int = 14
    max_attempts: int = 5
    retry_minutes: int = 30
    claim_timeout_minutes: int = 30
    digest_weekday: int = 0  # Monday
    digest_hour: int = 6  # UTC
    base_url: str = DEVELOPMENT_BASE_URL
    mail_from: str = "trainer@localhost"
    organisation_name: str = "Trainer"
    smtp: SmtpSettings | None = None  # None: e-mails are written to the log
    # Why no e-mail may be sent at all (production without an SMTP host), or None.
    mail_unavailable: str | None = None
    invitation_days: int = 14  # how long the set-password link in an invitation works
    password_policy: PasswordPolicy = dataclasses.field(default_factory=PasswordPolicy)
    # Names of the single sign-on buttons ("Sign in with …"); what invitations point to when
    # the person may not use a password.
    sso_names: tuple[str, ...] = ()

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ReminderSettings:
        """Parse and check the TRAINER_* settings; ConfigError names the one that is wrong."""
        backend = _backend(config)
        return cls(
            due_soon_days=_day_list(config["REMIND_DUE_SOON_DAYS"]),
            overdue_every_days=_positive(config, "REMIND_OVERDUE_EVERY_DAYS"),
            escalate_after_days=_positive(config, "ESCALATE_AFTER_DAYS"),
            max_attempts=_positive(config, "MAIL_MAX_ATTEMPTS"),
            retry_minutes=_positive(config, "MAIL_RETRY_MINUTES"),
            claim_timeout_minutes=_positive(config, "MAIL_CLAIM_TIMEOUT_MINUTES"),
            digest_weekday=_weekday(config["DIGEST_WEEKDAY"]),
            digest_hour=_hour(config["DIGEST_HOUR"]),
            base_url=str(config["BASE_URL"]).rstrip("/"),
            mail_from=str(config["MAIL_FROM"]),
            organisation_name=str(config["ORGANISATION_NAME"]),
            smtp=_smtp(config) if backend != "log" else None,
            mail_unavailable=_mail_unavailable(config, backend),
            invitation_days=_positive(config, "INVITATION_DAYS"),
            password_policy=PasswordPolicy.from_config(config),
            sso_names=button_names(config),
        )


def _backend(config: Mapping[str, Any]) -> str | None:
    backend = str(config.get("MAIL_BACKEND") or "").strip().lower() or None
    if backend not in (None, "smtp", "log"):
        raise ConfigError(f"TRAINER_MAIL_BACKEND must be smtp or log, not {backend!r}")
    if backend == "smtp" and not config.get("SMTP_HOST"):
        raise ConfigError("TRAINER_MAIL_BACKEND=smtp needs TRAINER_SMTP_HOST (the mail server's name)")
    return backend


def _mail_unavailable(config: Mapping[str, Any], backend: str | None) -> str | None:
    """Production never pretends: without an SMTP host it sends nothing unless told to log."""
    if backend is not None or config.get("SMTP_HOST") or config.get("ENV") != "production":
        return None
    return ("no mail server configured: TRAINER_SMTP_HOST is not set (TRAINER_ENV=production); "
            "set it, or set TRAINER_MAIL_BACKEND=log to only write e-mails to the log")


def _smtp(config: Mapping[str, Any]) -> SmtpSettings | None:
    if not config.get("SMTP_HOST"):
        return None
    security = str(config["SMTP_SECURITY"]).lower()
    if security not in SECURITY_MODES:
        raise ConfigError(f"TRAINER_SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}, "
                          f"not {security!r}")
    return SmtpSettings(
        host=str(config["SMTP_HOST"]),
        port=port_setting(config, "SMTP_PORT"),
        security=security,
        user=str(config["SMTP_USER"]) if config.get("SMTP_USER") else None,
        password=str(config["SMTP_PASSWORD"]) if config.get("SMTP_PASSWORD") is not None else None,
        timeout=float(_positive(config, "SMTP_TIMEOUT")),
        ca_file=str(config["SMTP_CA_FILE"]) if config.get("SMTP_CA_FILE") else None,
    )


def _day_list(value: Any) -> tuple[int, ...]:
    """"14,3" (or 14, or [14, 3]) -> (14, 3): distinct positive days, largest first."""
    items = value if isinstance(value, list | tuple) else str(value).split(",")
    try:
        days = {int(str(item).strip()) for item in items if str(item).strip()}
    except ValueError:
        days = {0}
    if not days or min(days) < 1:
        raise ConfigError(f"TRAINER_REMIND_DUE_SOON_DAYS must list whole days before the due "
                          f"date, e.g. 14,3 (got {value!r})")
    return tuple(sorted(days, reverse=True))


def _positive(config: Mapping[str, Any], name: str) -> int:
    try:
        number = int(config[name])
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise ConfigError(f"TRAINER_{name} must be a whole number of at least 1 (got {config[name]!r})")
    return number


def port_setting(config: Mapping[str, Any], name: str) -> int:
    """A TCP port: a whole number from 1 to 65535."""
    try:
        port = int(str(config[name]).strip())
    except (TypeError, ValueError):
        port = 0
    if not 1 <= port <= 65535:
        raise ConfigError(f"TRAINER_{name} must be a port number from 1 to 65535 (got {config[name]!r})")
    return port


def _weekday(value: Any) -> int:
    name = str(value).strip().lower()
    if name not in WEEKDAYS:
        raise ConfigError(f"TRAINER_DIGEST_WEEKDAY must be a weekday name such as monday (got {value!r})")
    return WEEKDAYS.index(name)


def _hour(value: Any) -> int:
    try:
        hour = int(value)
    except (TypeError, ValueError):
        hour = -1
    if not 0 <= hour <= 23:
        raise ConfigError(f"TRAINER_DIGEST_HOUR must be an hour from 0 to 23 (got {value!r})")
    return hour
