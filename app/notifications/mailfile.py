"""The "file" mail transport: each mail becomes one .eml file in a folder.

Meant for trying the office out without a mail server: open the files with
any mail program. Mails hold personal data, so the folder is 0700 and each
file 0600. A file is written under a temporary name, flushed to disk and
renamed, so a half-written mail never shows; the outbox row's id names it,
and sending the same row again replaces the file rather than adding one.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from app.config import Settings
from app.notifications.mail import Mail
from app.notifications.smtp import MailAttempt, build_message

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def write_mail(settings: Settings, mail: Mail, outbox_id: int) -> MailAttempt:
    """Write ``mail`` as ``<folder>/<outbox id>.eml``; say how it went."""
    started = time.monotonic()
    message = build_message(settings, mail).as_bytes()
    try:
        _write(settings.mail_folder, f"mail-{outbox_id:08d}.eml", message)
    except OSError as exc:
        # A full disk or a wrong folder may mend itself: tried again later.
        return MailAttempt(False, None, type(exc).__name__, _elapsed_ms(started))

    return MailAttempt(True, None, None, _elapsed_ms(started))


def _write(folder: Path, name: str, data: bytes) -> None:
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    os.chmod(folder, FOLDER_MODE)
    temporary = folder / f".{name}.part"
    descriptor = os.open(
        temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, FILE_MODE
    )
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())

    os.replace(temporary, folder / name)


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
