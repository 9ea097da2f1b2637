"""The holder's e-mail: a real SMTP server on 127.0.0.1 (aiosmtpd) receives the document when
it is issued, corrected or revoked, and when the citizen asks for it again on the portal."""

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from lms import tasks
from lms.certificates.models import Certificate
from lms.extensions import db as _db
from lms.mail import MailMessage
from tests import factories
from tests.certificates.conftest import completed_enrollment


class _Inbox:
    """An aiosmtpd handler keeping what it receives; refuses the addresses in ``refuse``."""

    def __init__(self):
        self.messages, self.refuse = [], set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        """Accept a recipient, or bounce it with a permanent 550."""
        if address in self.refuse:
            return "550 5.1.1 Buzón inexistente"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        """Keep the message."""
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def inbox(app, monkeypatch):
    """A real SMTP server on 127.0.0.1 that the app sends to; yields what it received."""
    handler = _Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    for key, value in {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1",
                       "MAIL_PORT": controller.port, "MAIL_USE_TLS": False}.items():
        monkeypatch.setitem(app.config, key, value)
    yield handler
    controller.stop()


@pytest.fixture
def holder(db):
    """A completed enrollment of someone with an e-mail address on file."""
    person = factories.person(first_names="Luz Marina", email="luz.marina@example.org")
    return completed_enrollment(person_=person)


def _issue(client, login, admin, enrollment) -> Certificate:
    login(admin)
    response = client.post("/admin/certificados/emitir", data={"enrollment_id": enrollment.id})
    assert response.status_code == 302
    return _db.session.scalar(select(Certificate).filter_by(enrollment_id=enrollment.id))


def test_issuing_emails_the_pdf_with_the_verification_link(client, login, admin, holder, inbox):
    cert = _issue(client, login, admin, holder)
    (message,) = inbox.messages
    assert message["To"] == "luz.marina@example.org"
    assert message["Subject"].strip().startswith("Su constancia de participación de «")
    body = message.get_body(("plain",)).get_content()
    assert "Hola, Luz Marina:" in body and f"http://localhost/v/{cert.code}" in body
    assert "Ley 1581 de 2012" in body and "supriman sus datos" in body
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == f"{cert.code}.pdf"
    stored = _db.session.scalar(select(Certificate.pdf).filter_by(id=cert.id))
    assert attachment.get_content() == stored  # the frozen PDF, byte for byte
    sent = _db.session.scalar(select(MailMessage))
    assert (sent.status, sent.attachment) == ("sent", f"certificate:{cert.code}")


def test_correcting_and_revoking_email_the_holder(client, login, admin, holder, inbox):
    cert = _issue(client, login, admin, holder)
    client.post(f"/admin/certificados/{cert.code}/corregir",
                data={"holder_name": "Luz Marina Pérez Gómez", "hours": "20",
                      "completed_on": cert.completed_on.isoformat(),
                      "document_type": cert.document_type,
                      "document_number": cert.document_number,
                      "course_name": cert.course_name, "site_name": cert.site_name,
                      "trainer_name": cert.trainer_name})
    new = _db.session.scalar(select(Certificate).filter_by(enrollment_id=holder.id)
                             .where(Certificate.id != cert.id))
    assert new is not None, "the correction was refused"
    corrected = inbox.messages[1]
    assert "fue corregida" in corrected["Subject"]  # a constancia
    assert new.code in corrected.get_body(("plain",)).get_content()
    assert [a.get_filename() for a in corrected.iter_attachments()] == [f"{new.code}.pdf"]

    client.post(f"/admin/certificados/{new.code}/revocar",
                data={"reason": "Se emitió por error"})
    revoked = inbox.messages[2]
    assert "fue revocada" in revoked["Subject"]
    assert "Motivo: Se emitió por error" in revoked.get_body(("plain",)).get_content()
    assert list(revoked.iter_attachments()) == []


def test_nobody_is_written_to_without_an_address(client, login, admin, db, inbox):
    quiet = completed_enrollment(person_=factories.person(email=None))
    assert _issue(client, login, admin, quiet) is not None
    assert inbox.messages == [] and _db.session.scalar(select(MailMessage)) is None


def test_a_bounce_is_shown_to_the_admin(client, login, admin, holder, inbox):
    inbox.refuse.add("luz.marina@example.org")
    _issue(client, login, admin, holder)
    assert inbox.messages == []
    message = _db.session.scalar(select(MailMessage))
    assert message.status == "bounced" and "550" in message.error
    page = client.get("/admin/tareas").get_data(as_text=True)
    table = page.split('id="correos-no-entregados"')[1].split("</table>")[0]
    assert "lu***@example.org" in table and "Rechazado" in table and "550" in table
    assert "luz.marina@example.org" not in page


def test_the_portal_sends_the_document_again_to_the_address_on_file(app, client, holder, inbox):
    from lms.certificates.issue import issue_for

    cert = issue_for(holder)
    tasks.commit()  # the issue's own e-mail leaves here
    assert len(inbox.messages) == 1
    inbox.messages.clear()
    person = holder.person
    page = client.post("/certificados", data={
        "document_type": person.document_type, "document_number": person.document_number,
        "birth_date": person.birth_date.isoformat()}).get_data(as_text=True)
    token = page.split("/certificados/enviar/")[1].split('"')[0]
    response = client.post(f"/certificados/enviar/{token}", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert f"Enviamos el documento {cert.code} a su correo registrado (lu***@example.org)" in text
    assert "luz.marina@example.org" not in text  # whoever holds the link sees it masked
    (message,) = inbox.messages
    assert message["To"] == "luz.marina@example.org"
    assert [a.get_filename() for a in message.iter_attachments()] == [f"{cert.code}.pdf"]
    assert client.post("/certificados/enviar/otro-token").status_code == 404


def test_the_hours_agree_with_their_number(client, login, admin, holder, inbox):
    holder.cohort.course.hours = 1
    _db.session.flush()
    _issue(client, login, admin, holder)
    body = inbox.messages[0].get_body(("plain",)).get_content()
    assert "(1 hora), código" in body and "1 horas" not in body
