"""Outgoing e-mail: stored in the caller's transaction, delivered by a background task.

``send(to, subject, body)`` (or ``send_many``) stores each message and enqueues its delivery,
so a rolled-back request sends nothing. Delivery goes through Flask-Mailman's backend that
``MAIL_BACKEND`` names: ``file`` (the embedded default) writes every message into
``MAIL_FILE_PATH`` (``instance/mail/``); ``smtp`` sends through ``MAIL_SERVER``.

Delivering twice sends nothing the second time: a delivered message is marked, and its
Message-ID is derived from its row, so a receiving server can drop a duplicate that a
crash between the send and the mark let through. A server that refuses the address (a
bounce) marks the message ``rechazado`` at once; any other failure is retried with backoff
and marks it ``fallido`` when the retries run out. Admins see both on "Correos".

An attachment is named, not stored: ``"certificate:CODE"`` is resolved when the message
leaves by the provider a higher domain registered in ``ATTACHMENTS`` under ``certificate``.
"""

import smtplib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_mailman import EmailMessage, Mail
from flask_mailman.backends import file
from sqlalchemy import String, Text, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from lms import log, tasks
from lms.errors import ValidationError
from lms.extensions import db
from lms.timeutil import utcnow

mailman = Mail()

#: kind -> function(reference) returning (filename, content, mimetype), or None if gone.
ATTACHMENTS: dict[str, Callable[[str], tuple[str, bytes, str] | None]] = {}
#: Messages per delivery task when many leave at once (a batch of documents).
CHUNK = 50
#: Spanish labels of a message's states.
STATES = {"pending": _l("Pendiente"), "sent": _l("Enviado"), "bounced": _l("Rechazado"),
          "failed": _l("Fallido")}


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
    #: What to attach when it leaves, as "kind:reference" (see ATTACHMENTS); or none.
    attachment: Mapped[str | None] = mapped_column(String(80))
    #: pending, sent, bounced (the server refused the address) or failed (retries ran out).
    status: Mapped[str] = mapped_column(String(10), default="pending", server_default="pending")
    #: The last delivery error, for the admin; empty once sent.
    error: Mapped[str | None] = mapped_column(String(300))
    #: When it was queued (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When the backend accepted it; empty until then.
    sent_at: Mapped[datetime | None]


def init_app(app) -> None:
    """Register Flask-Mailman on ``app``."""
    mailman.init_app(app)


def checked_address(to: str) -> str:
    """The normalised address, or a ValidationError naming it."""
    try:
        return validate_email((to or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationError(_(
            "El correo del destinatario no es válido: %(address)s.",
            address=(to or '')[:254],
        ),
                              "to") from exc


def masked(address: str) -> str:
    """An address as pages show it (``an***@example.org``): enough to recognise, not to copy."""
    local, _at, domain = address.partition("@")
    return f"{local[:2]}***@{domain}"


def send(to: str, subject: str, body: str, attachment: str | None = None) -> MailMessage:
    """Queue an e-mail; it leaves only after the caller's transaction commits."""
    message = MailMessage(to=checked_address(to), subject=subject.strip()[:200], body=body,
                          attachment=attachment)
    db.session.add(message)
    db.session.flush()
    tasks.enqueue(deliver, message.id)
    return message


def send_many(messages: list[dict]) -> int:
    """Queue many e-mails (dicts of send's arguments) in one insert; returns how many."""
    rows = [{**m, "to": checked_address(m["to"]), "subject": m["subject"].strip()[:200],
             "status": "pending", "created_at": utcnow()} for m in messages]
    if not rows:
        return 0
    ids = list(db.session.scalars(insert(MailMessage).returning(MailMessage.id), rows))
    for start in range(0, len(ids), CHUNK):
        tasks.enqueue(deliver, *ids[start:start + CHUNK])
    return len(ids)


def _failed(error: str, *message_ids: int) -> None:
    # The last retry failed: whatever is still unsent is marked for the admin.
    for message in db.session.scalars(select(MailMessage).where(
            MailMessage.id.in_(message_ids), MailMessage.sent_at.is_(None))):
        message.status, message.error = "failed", error[:300]
    db.session.flush()


@tasks.task(_l("Enviar correos"), retries=8, retry_delay=30, retry_backoff=2, on_failure=_failed)
def deliver(*message_ids: int) -> None:
    """Hand stored messages to the configured backend, skipping those already sent."""
    pending = list(db.session.scalars(select(MailMessage).where(
        MailMessage.id.in_(message_ids), MailMessage.sent_at.is_(None),
        MailMessage.status != "bounced").order_by(MailMessage.id)))
    if not pending:
        return
    with _connection() as connection:
        for position, message in enumerate(pending):
            try:
                _deliver_one(message, connection)
            except Exception:
                if position == 0:
                    raise  # nothing left yet: the whole task is retried with backoff
                # Some already left, and raising would roll back their marks and resend
                # them: keep the marks and send the rest in a task of their own.
                log.failure("mail.deferred", message_id=message.id)
                tasks.enqueue(deliver, *[m.id for m in pending[position:]])
                return


def _deliver_one(message: MailMessage, connection) -> None:
    try:
        _build(message, connection).send()
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
        _bounced(message, exc)
        return
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code < 500:
            raise  # a temporary refusal: retried with the rest
        _bounced(message, exc)
        return
    message.sent_at, message.status, message.error = utcnow(), "sent", None
    db.session.flush()  # each message marked as it leaves: a retry resends only the rest
    log.event("mail.sent", message_id=message.id)


def _bounced(message: MailMessage, exc: Exception) -> None:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()))
    else:
        code, reply = exc.smtp_code, exc.smtp_error
    reply = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    # The server's reply, without the address it may quote (pages show addresses masked).
    error = f"{code} {reply}".replace(message.to, masked(message.to))
    message.status, message.error = "bounced", error[:300]
    db.session.flush()
    log.event("mail.bounced", message_id=message.id)


def _connection():
    # Read at each delivery (not frozen at start-up), so a changed setting applies at once.
    config = current_app.config
    if config["MAIL_BACKEND"] == "file":
        return mailman.get_connection(backend=FileBackend, file_path=config["MAIL_FILE_PATH"])
    if config["MAIL_BACKEND"] != "smtp":
        return mailman.get_connection(backend=config["MAIL_BACKEND"])
    return mailman.get_connection(
        backend="smtp", host=config["MAIL_SERVER"], port=config["MAIL_PORT"],
        username=config["MAIL_USERNAME"], password=config["MAIL_PASSWORD"],
        use_tls=config["MAIL_USE_TLS"], use_ssl=config["MAIL_USE_SSL"],
        timeout=config["MAIL_TIMEOUT"])


def _build(message: MailMessage, connection) -> EmailMessage:
    host = current_app.config["BASE_URL"].split("://")[-1].split("/")[0].split(":")[0]
    email = EmailMessage(
        subject=message.subject, body=message.body, to=[message.to],
        from_email=current_app.config["MAIL_DEFAULT_SENDER"], connection=connection,
        headers={"Message-ID": f"<mail-{message.id}@{host or 'localhost'}>"})
    if message.attachment:
        kind, _sep, reference = message.attachment.partition(":")
        found = ATTACHMENTS[kind](reference)
        if found is not None:
            email.attach(*found)
    return email


class FileBackend(file.EmailBackend):
    """Flask-Mailman's file backend, writing each message to its own ``mail-<id>.eml``."""

    def open(self) -> bool:
        """Nothing to open: each message gets its own file."""
        return False

    def close(self) -> None:
        """Nothing to close."""

    def send_messages(self, email_messages) -> int:
        """Write each message as a file named by its Message-ID; returns how many."""
        for message in email_messages:
            name = message.extra_headers["Message-ID"].strip("<>").split("@")[0]
            Path(self.file_path, f"{name}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages)
