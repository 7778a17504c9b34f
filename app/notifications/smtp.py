"""One SMTP delivery: connect, optionally STARTTLS and log in, send, close.

What went wrong is told as a short text without addresses or words of the
message: the SMTP reply code and the error's class. A 5xx reply is
permanent (the row is given up); anything else is tried again later.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from app.config import Settings
from app.notifications.mail import Mail

DEFAULT_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class MailAttempt:
    """What one delivery gave; ``permanent`` when retrying cannot help."""

    delivered: bool
    status_code: int | None
    error: str | None
    duration_ms: int
    permanent: bool = False


def build_message(settings: Settings, mail: Mail) -> EmailMessage:
    """The RFC 5322 message for ``mail`` from the configured sender."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=settings.mail_from.rpartition("@")[2])
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.text)
    return message


def send_mail(
    settings: Settings, mail: Mail, timeout_s: float = DEFAULT_TIMEOUT_S
) -> MailAttempt:
    """Hand ``mail`` to the configured SMTP server once."""
    started = time.monotonic()
    if not settings.smtp_host:
        return MailAttempt(False, None, "no SMTP server configured", 0)

    try:
        _deliver(settings, build_message(settings, mail), timeout_s)
    except smtplib.SMTPRecipientsRefused as exc:
        code = _first_code(exc.recipients)
        return _failed(code, "recipient refused", started)
    except smtplib.SMTPResponseException as exc:
        return _failed(exc.smtp_code, type(exc).__name__, started)
    except (OSError, smtplib.SMTPException) as exc:
        return MailAttempt(False, None, type(exc).__name__, _elapsed_ms(started))

    return MailAttempt(True, 250, None, _elapsed_ms(started))


def _deliver(settings: Settings, message: EmailMessage, timeout_s: float) -> None:
    host = settings.smtp_host or ""
    with smtplib.SMTP(host, settings.smtp_port, timeout=timeout_s) as server:
        server.ehlo()
        if settings.smtp_starttls:
            server.starttls(context=ssl.create_default_context())
            server.ehlo()
        if settings.smtp_user:
            server.login(settings.smtp_user, settings.smtp_password or "")
        server.send_message(message)


def _failed(code: int | None, what: str, started: float) -> MailAttempt:
    permanent = code is not None and 500 <= code < 600
    error = f"SMTP {code}: {what}" if code else what
    return MailAttempt(False, code, error, _elapsed_ms(started), permanent)


def _first_code(recipients: dict[str, tuple[int, bytes]]) -> int | None:
    for code, _text in recipients.values():
        return code

    return None


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
