"""Development email: every message kept as an .eml file and shown decoded.

`make run` has no mail server. The console backend used to print the raw MIME text, whose
quoted-printable bodies cut lines with `=` and turn `=` into `=3D`: a confirmation link copied
from the terminal did not open. This backend writes each message to EMAIL_OUTBOX_DIR (one file
per message, so the web server shows what the worker sent) and prints the decoded text; the
outbox page (`tremplin/core/development.py`, DEBUG only) lists and renders them.
"""

import email
import email.policy
import re
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage as MimeMessage
from pathlib import Path
from typing import Any, TextIO

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

_NAME = re.compile(r"^[0-9]{8}-[0-9]{12}-[0-9a-f]{8}$")


class OutboxEmailBackend(BaseEmailBackend):
    def __init__(self, *args: Any, stream: TextIO | None = None, **kwargs: Any) -> None:
        self.stream = stream or sys.stdout
        super().__init__(*args, **kwargs)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        directory = Path(settings.EMAIL_OUTBOX_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            raw = message.message().as_bytes()
            name = f"{timezone.now():%Y%m%d-%H%M%S%f}-{uuid.uuid4().hex[:8]}"
            # Written then renamed: the outbox page never reads half a message.
            partial = directory / f".{name}.tmp"
            partial.write_bytes(raw)
            partial.rename(directory / f"{name}.eml")
            self._print(_parse(name, raw))
        return len(email_messages)

    def _print(self, sent: "OutboxEmail") -> None:
        self.stream.write(
            f"To: {sent.to}\nSubject: {sent.subject}\n\n{sent.text}\n"
            f"(outbox: {settings.SITE_URL}/dev/courriels/{sent.name}/)\n{'-' * 79}\n"
        )
        self.stream.flush()


@dataclass(frozen=True)
class OutboxEmail:
    name: str
    subject: str
    to: str
    sent_at: datetime | None
    text: str
    html: str


def _parse(name: str, raw: bytes) -> OutboxEmail:
    message: MimeMessage = email.message_from_bytes(raw, policy=email.policy.default)
    parts = {}
    for kind in ("plain", "html"):
        part = message.get_body(preferencelist=(kind,))
        # get_content() undoes quoted-printable and base64: the body as it was written.
        parts[kind] = part.get_content() if part is not None else ""
    date = message["Date"]
    return OutboxEmail(
        name=name,
        subject=str(message["Subject"] or ""),
        to=str(message["To"] or ""),
        sent_at=getattr(date, "datetime", None) if date else None,
        text=parts["plain"],
        html=parts["html"],
    )


def outbox_list(*, limit: int = 200) -> list[OutboxEmail]:
    """The latest emails, newest first."""
    directory = Path(settings.EMAIL_OUTBOX_DIR)
    if not directory.is_dir():
        return []
    files = sorted(directory.glob("*.eml"), reverse=True)[:limit]
    return [_parse(path.stem, path.read_bytes()) for path in files if _NAME.match(path.stem)]


def outbox_get(name: str) -> OutboxEmail | None:
    if not _NAME.match(name):
        return None
    path = Path(settings.EMAIL_OUTBOX_DIR) / f"{name}.eml"
    return _parse(name, path.read_bytes()) if path.is_file() else None
