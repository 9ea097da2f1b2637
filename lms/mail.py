"""Outgoing e-mail, delivered by a background task through the backend ``MAIL_URL`` names.

``send(to, subject, body)`` stores the message in the caller's transaction and enqueues its
delivery, so a rolled-back request sends nothing. Backends:

- ``file://DIR`` (default ``instance/mail/``): one ``.eml`` file per message, for a single
  machine without a mail server, and for tests;
- ``smtp://[user:password@]host[:port]`` (STARTTLS when the server offers it) or
  ``smtps://…`` (TLS from the start).

Delivering twice sends nothing the second time: a delivered message is marked, and its
Message-ID is derived from its row, so a receiving server can drop a duplicate that a
crash between the send and the mark let through.
"""

import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from urllib.parse import unquote, urlsplit

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms import tasks
from lms.errors import ValidationError
from lms.extensions import db
from lms.timeutil import utcnow


class MailMessage(db.Model):
    """An e-mail to deliver, kept after delivery as proof of what was sent."""

    __tablename__ = "mail_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Recipient address.
    to: Mapped[str] = mapped_column(String(254))
    #: Subject line.
    subject: Mapped[str] = mapped_column(String(200))
    #: Plain-text body.
    body: Mapped[str] = mapped_column(Text)
    #: When it was queued (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the backend accepted it; empty until then.
    sent_at: Mapped[datetime | None]


def send(to: str, subject: str, body: str) -> MailMessage:
    """Queue an e-mail; it leaves only after the caller's transaction commits."""
    try:
        to = validate_email((to or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationError(f"El correo del destinatario no es válido: {(to or '')[:254]}.",
                              "to") from exc
    message = MailMessage(to=to, subject=subject.strip()[:200], body=body)
    db.session.add(message)
    db.session.flush()
    tasks.enqueue(deliver, message.id)
    return message


@tasks.task(_l("Enviar un correo"), retries=8, retry_delay=30, retry_backoff=2)
def deliver(message_id: int) -> None:
    """Hand one stored message to the configured backend, unless it was already sent."""
    message = db.session.get(MailMessage, message_id)
    if message is None or message.sent_at is not None:
        return
    _backend(current_app.config["MAIL_URL"])(_build(message))
    message.sent_at = utcnow()
    db.session.flush()


def _build(message: MailMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False, usegmt=True)
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    email["Message-ID"] = f"<mail-{message.id}@{host}>"
    email.set_content(message.body)
    return email


def _backend(url: str):
    parts = urlsplit(url)
    if parts.scheme == "file":
        return lambda email: _write(Path(unquote(parts.path)), email)
    if parts.scheme in ("smtp", "smtps"):
        return lambda email: _smtp(parts, email)
    raise ValueError(f"MAIL_URL no reconocida: {parts.scheme}://…")


def _write(directory: Path, email: EmailMessage) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    name = email["Message-ID"].strip("<>").split("@")[0]
    (directory / f"{name}.eml").write_bytes(bytes(email))


def _smtp(parts, email: EmailMessage) -> None:
    context = ssl.create_default_context()
    if parts.scheme == "smtps":
        server = smtplib.SMTP_SSL(parts.hostname, parts.port or 465, context=context, timeout=30)
    else:
        server = smtplib.SMTP(parts.hostname, parts.port or 25, timeout=30)
    with server:
        server.ehlo()
        if parts.scheme == "smtp" and server.has_extn("starttls"):
            server.starttls(context=context)
        if parts.username:
            server.login(unquote(parts.username), unquote(parts.password or ""))
        server.send_message(email)
