"""Sending e-mail: over SMTP (one connection for a whole run), or to the log in development."""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Protocol

from trainer.notify.settings import SmtpSettings

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The message was not accepted.

    `connection` is True when the server could not be reached or talked to at all (stop the
    run: nothing else will get through), False when only this message was refused.
    """

    def __init__(self, reason: str, *, connection: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.connection = connection


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


class LogMailer:
    """No SMTP host configured (development): write each e-mail to the log instead."""

    def send(self, message: EmailMessage) -> None:
        body = message.get_body(("plain",))
        text = body.get_content() if isinstance(body, EmailMessage) else ""
        log.info("E-mail not sent (no SMTP host configured) to %s: %s\n%s",
                 message["To"], message["Subject"], text)

    def close(self) -> None:
        pass


class SmtpMailer:
    """Many messages over one SMTP connection, opened on first use and reopened if dropped."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        for attempt in (1, 2):
            try:
                self._connection().send_message(message)
                return
            except smtplib.SMTPServerDisconnected as error:
                # Servers cap messages per connection or drop idle ones: reconnect once.
                self._drop()
                if attempt == 2:
                    raise DeliveryError(_describe(error), connection=True) from error
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused,
                    smtplib.SMTPDataError) as error:
                # smtplib has reset the transaction; the connection stays usable.
                raise DeliveryError(_describe(error), connection=False) from error
            except (smtplib.SMTPException, OSError) as error:
                self._drop()
                raise DeliveryError(_describe(error), connection=True) from error

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                log.debug("SMTP QUIT failed; closing anyway", exc_info=True)
            self._drop()

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            self._smtp = self._connect()
        return self._smtp

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context(cafile=s.ca_file)
        smtp: smtplib.SMTP
        if s.security == "tls":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            if s.security == "starttls":
                smtp.starttls(context=context)
            if s.user:
                smtp.login(s.user, s.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
        self._smtp = None


@contextlib.contextmanager
def open_mailer(settings: SmtpSettings | None) -> Iterator[Mailer]:
    """The mailer for `settings` (None: the log), closed when the block ends."""
    mailer: Mailer = SmtpMailer(settings) if settings is not None else LogMailer()
    try:
        yield mailer
    finally:
        mailer.close()


def _describe(error: Exception) -> str:
    """A short, storable description: the SMTP code and text, or the network error."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        parts = [f"{code} {_text(text)} ({address})" for address, (code, text) in error.recipients.items()]
        return "recipient refused: " + "; ".join(parts)
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return f"connection lost: {error}" if str(error) else "connection lost"
    return f"{type(error).__name__}: {error}"


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
