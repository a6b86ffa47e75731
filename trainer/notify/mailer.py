"""Sending e-mail: over SMTP (one connection for a whole run), or to the log when chosen."""

from __future__ import annotations

import contextlib
import logging
import smtplib
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from typing import Protocol

from trainer.notify.settings import ReminderSettings, SmtpSettings

log = logging.getLogger(__name__)


class DeliveryError(Exception):
    """The message was not accepted.

    `connection` is True when the server could not be reached or talked to at all (stop the
    run: nothing else will get through), False when only this message was refused.
    `permanent` is True only for a refusal that will not change by waiting: a 5xx answer, or
    a message that cannot be built. Outages, time-outs and 4xx answers are temporary and do
    not use up the message's attempts (MAIL_MAX_ATTEMPTS).
    """

    def __init__(self, reason: str, *, connection: bool, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.connection = connection
        self.permanent = permanent and not connection


class MailNotConfigured(DeliveryError):
    """Production without an SMTP host: refuse rather than pretend (see MAIL_BACKEND)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, connection=True)


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


class LogMailer:
    """Log-only mail (development without an SMTP host, or TRAINER_MAIL_BACKEND=log): logs
    that each e-mail was not sent."""

    def send(self, message: EmailMessage) -> None:
        # Neither the address nor the body: bodies carry links that are secrets (reset
        # links, calendar feeds) and logs are read by more people than the mailbox.
        log.info("E-mail not sent (log-only mail): %r", str(message["Subject"]))

    def close(self) -> None:
        pass


class SmtpMailer:
    """Many messages over one SMTP connection, opened on first use and reopened if dropped.

    SMTP_TIMEOUT bounds each message's whole exchange (connecting, TLS and AUTH included),
    not each read: a watchdog closes the socket when the time is up. A message is sent at
    most once per call: a reused connection is probed with NOOP first, so a connection the
    server dropped while idle is replaced before sending; a failure after that (the server
    may already have the message) is reported, never retried here.
    """

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> None:
        with _Deadline(self.settings.timeout, self._abort) as deadline:
            try:
                self._usable_connection().send_message(message)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused,
                    smtplib.SMTPDataError) as error:
                if deadline.expired:
                    self._drop()
                    raise DeliveryError(self._timed_out(), connection=True) from error
                # smtplib has reset the transaction; the connection stays usable.
                raise DeliveryError(_describe(error), connection=False,
                                    permanent=_permanent(error)) from error
            except (smtplib.SMTPException, OSError) as error:
                self._drop()
                reason = self._timed_out() if deadline.expired else _describe(error)
                raise DeliveryError(reason, connection=True) from error

    def check(self, sender: str, report: Callable[[str, str], None]) -> None:
        """Connect, EHLO, TLS, AUTH and MAIL FROM as a real send would, reporting each step
        that worked, then RSET: nothing is sent. Raises DeliveryError naming the step that failed."""
        s = self.settings
        tls = {"starttls": ["STARTTLS"], "tls": ["TLS"]}.get(s.security, [])
        steps = ["connect", "EHLO", *tls, *(["AUTH"] if s.user else []), "MAIL FROM"]
        done: list[str] = []

        def note(step: str, detail: str) -> None:
            done.append(step)
            report(step, detail)

        with _Deadline(s.timeout, self._abort) as deadline:
            try:
                smtp = self._open(note)
                code, answer = smtp.mail(sender)
                if code != 250:
                    raise smtplib.SMTPSenderRefused(code, answer, sender)
                note("MAIL FROM", f"{sender}: {code} {_text(answer)[:80]}")
                smtp.rset()
            except (smtplib.SMTPException, OSError, ssl.SSLError) as error:
                self._drop()
                failed = steps[len(done)] if len(done) < len(steps) else "QUIT"
                reason = self._timed_out() if deadline.expired else _describe(error)
                raise DeliveryError(f"{failed} failed: {reason}", connection=True) from error

    def close(self) -> None:
        if self._smtp is not None:
            try:
                with _Deadline(self.settings.timeout, self._abort):
                    self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                log.debug("SMTP QUIT failed; closing anyway", exc_info=True)
            self._drop()

    def _usable_connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            try:
                if self._smtp.noop()[0] == 250:
                    return self._smtp
            except (smtplib.SMTPException, OSError):
                pass  # dropped while idle (servers do): open a new one
            self._drop()
        return self._open()

    def _open(self, report: Callable[[str, str], None] | None = None) -> smtplib.SMTP:
        """Connect (or implicit TLS), EHLO, STARTTLS, AUTH as configured.

        The connection is kept in self._smtp as soon as it exists, so the watchdog can abort
        it; `report(step, detail)` hears about each step that succeeded (`trainer mail check`).
        """
        s = self.settings
        note = report or (lambda step, detail: None)
        context = ssl.create_default_context(cafile=s.ca_file)
        smtp = (smtplib.SMTP_SSL(timeout=s.timeout, context=context) if s.security == "tls"
                else smtplib.SMTP(timeout=s.timeout))
        # STARTTLS checks the certificate against _host, which SMTP(host) sets but connect() not.
        smtp._host = s.host  # type: ignore[attr-defined]  # private but stable since 3.x
        self._smtp = smtp
        try:
            code, greeting = smtp.connect(s.host, s.port)
            if code != 220:
                raise smtplib.SMTPConnectError(code, greeting)
            note("connect", f"{s.host}:{s.port}" + (" (implicit TLS)" if s.security == "tls" else "")
                 + f": {code} {_text(greeting)[:80]}")
            smtp.ehlo()
            note("EHLO", "server extensions: " + (", ".join(sorted(smtp.esmtp_features)) or "none"))
            if s.security == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
                note("STARTTLS", _tls_detail(smtp, s.host))
            elif s.security == "tls":
                note("TLS", _tls_detail(smtp, s.host))
            if s.user:
                smtp.login(s.user, s.password or "")
                note("AUTH", f"signed in as {s.user}")
        except BaseException:
            self._drop()
            raise
        return smtp

    def _abort(self) -> None:
        """The watchdog: shut the socket so that the blocked call returns with an error."""
        smtp = self._smtp
        sock = getattr(smtp, "sock", None) if smtp is not None else None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def _timed_out(self) -> str:
        return f"timed out: no complete answer within TRAINER_SMTP_TIMEOUT ({self.settings.timeout:g} s)"

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
        self._smtp = None


def _tls_detail(smtp: smtplib.SMTP, host: str) -> str:
    sock = smtp.sock
    version = sock.version() if isinstance(sock, ssl.SSLSocket) else None
    return f"{version or 'TLS'}, certificate verified for {host}"


class _Deadline:
    """Calls `abort` once `seconds` have passed inside the block; `expired` tells whether it did."""

    def __init__(self, seconds: float, abort: Callable[[], None]) -> None:
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._abort = abort
        self.expired = False

    def _fire(self) -> None:
        self.expired = True
        self._abort()

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()


@contextlib.contextmanager
def open_mailer(settings: ReminderSettings) -> Iterator[Mailer]:
    """The mailer the settings choose (SMTP, or the log), closed when the block ends.

    Raises MailNotConfigured when they choose neither (production without an SMTP host).
    """
    if settings.mail_unavailable:
        raise MailNotConfigured(settings.mail_unavailable)
    mailer: Mailer = SmtpMailer(settings.smtp) if settings.smtp is not None else LogMailer()
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


def _permanent(error: smtplib.SMTPException) -> bool:
    """5xx: the server will not take it; 4xx: try again later (greylisting, full mailbox)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
