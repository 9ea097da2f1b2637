"""E-mail to the holder when a document is issued, corrected or revoked, and on request.

The message carries the verification link, the PDF (attached when it leaves, so a batch of
thousands stores no copies) and a note on the holder's data rights. Only people with an
e-mail address on file, and not anonymised, are written to.
"""

from flask import current_app, render_template
from flask_babel import gettext as _
from sqlalchemy import select

from lms import mail
from lms.certificates import signals
from lms.certificates.models import Certificate
from lms.courses.models import Enrollment
from lms.errors import ValidationError
from lms.extensions import db
from lms.formatting import N_, label
from lms.people.models import Person

#: Event → subject for a certificado, for a constancia (each agreeing with its noun).
SUBJECTS = {
    "issued": (N_("Su certificado de «%(course)s» — %(issuer)s"),
               N_("Su constancia de participación de «%(course)s» — %(issuer)s")),
    "corrected": (N_("Su certificado de «%(course)s» fue corregido — %(issuer)s"),
                  N_("Su constancia de participación de «%(course)s» fue corregida — "
                     "%(issuer)s")),
    "revoked": (N_("Su certificado de «%(course)s» fue revocado — %(issuer)s"),
                N_("Su constancia de participación de «%(course)s» fue revocada — %(issuer)s")),
}
SUBJECTS["resent"] = SUBJECTS["issued"]


def _recipients(ids: list[int]):
    return db.session.execute(
        select(Certificate, Person.first_names, Person.email)
        .join(Enrollment, Enrollment.id == Certificate.enrollment_id)
        .join(Person, Person.id == Enrollment.person_id)
        .where(Certificate.id.in_(ids), Person.email.is_not(None), Person.email != "",
               Person.anonymized_at.is_(None))
        .order_by(Certificate.id)
    ).all()


def _message(cert: Certificate, first_names: str, to: str, event: str) -> dict:
    config = current_app.config
    document = "certificado" if cert.kind == "certificado" else "constancia de participación"
    subject = label(SUBJECTS[event][cert.kind != "certificado"]) % {
        "course": cert.course_name, "issuer": config["ISSUER_NAME"]}
    body = render_template("mail/certificate.txt", event=event, cert=cert, document=document,
                           first_names=first_names, base_url=config["BASE_URL"],
                           issuer=config["ISSUER_NAME"])
    attachment = None if event == "revoked" else f"certificate:{cert.code}"
    return {"to": to, "subject": subject, "body": body, "attachment": attachment}


def queue(ids: list[int], event: str) -> int:
    """Queue the holders' e-mails about documents ``ids``; returns how many were queued."""
    return mail.send_many([_message(cert, first, to, event)
                           for cert, first, to in _recipients(ids)])


def resend(cert: Certificate) -> str:
    """Send a valid document again to the address on file; returns that address, masked."""
    found = _recipients([cert.id])
    if not found:
        raise ValidationError(_(
            "No hay un correo registrado para este documento. Pida a la Oficina TIC que lo "
            "registre o lo actualice.",
        ))
    mail.send_many([_message(*found[0], "resent")])
    return mail.masked(found[0][2])


def _pdf(code: str):
    pdf = db.session.scalar(select(Certificate.pdf).where(Certificate.code == code))
    return (f"{code}.pdf", pdf, "application/pdf") if pdf else None


mail.ATTACHMENTS["certificate"] = _pdf


@signals.documents_issued.connect
def _issued(sender, ids: list[int], **_) -> None:
    queue(ids, "issued")


@signals.document_superseded.connect
def _corrected(sender, old_id: int, new_id: int, **_) -> None:
    queue([new_id], "corrected")


@signals.document_revoked.connect
def _revoked(sender, cert_id: int, **_) -> None:
    queue([cert_id], "revoked")
