"""Self check-in through a rotating QR code.

The code is an HMAC of the session id and a 20-second time window, so it needs no
storage and cannot be guessed; a code photographed and sent to someone at home
stops working within seconds. The check-in form then carries a short-lived signed
ticket, so a participant who types slowly is not refused. The ticket names the code it
was issued for (the URL's code is checked against it on POST) and carries a random part
whose hash is stored when it is used: one ticket marks one person, once.
"""

import hashlib
import hmac
import secrets
import time
from base64 import b32encode
from dataclasses import dataclass
from io import BytesIO

import qrcode
import qrcode.image.svg
from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.attendance.marks import Mark, record_marks
from lms.attendance.models import CheckinRequest, CheckinTicket
from lms.courses.models import CourseSession, Enrollment
from lms.database import unique
from lms.errors import ValidationError
from lms.extensions import db
from lms.formatting import N_, label
from lms.people.models import mask_document
from lms.people.services import find_person, normalize_document

#: Seconds each code is shown.
WINDOW = 20
#: Extra seconds a code stays valid after the next one appears (scanning takes time).
MARGIN = 10
#: Seconds the check-in form stays valid after a good scan.
TICKET_AGE = 300

USED = N_(
    "Este registro ya se hizo. Para registrar a otra persona, escanee de nuevo el código "
    "que se muestra en la pantalla del formador."
)


def clock() -> float:
    """Current time in seconds; tests replace it to travel in time."""
    return time.time()


def _code(session_id: int, window: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"checkin:{session_id}:{window}".encode(), hashlib.sha256).digest()
    return b32encode(digest[:10]).decode().lower()


def current_code(session_id: int) -> tuple[str, int]:
    """The code to show now and the seconds until the next one."""
    now = clock()
    window = int(now // WINDOW)
    return _code(session_id, window), max(1, int((window + 1) * WINDOW - now + 0.999))


def code_is_valid(session_id: int, code: str) -> bool:
    """Accept the current code, or the previous one during the first MARGIN seconds."""
    now = clock()
    window = int(now // WINDOW)
    if hmac.compare_digest(code, _code(session_id, window)):
        return True
    late = now - window * WINDOW < MARGIN
    return late and hmac.compare_digest(code, _code(session_id, window - 1))


def qr_svg(url: str) -> str:
    """The URL as an inline SVG QR code (generated here: no external service)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=20, border=2)
    buffer = BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


def qr_payload(session_id: int) -> dict:
    """What the QR screen shows now: the code, its public URL, seconds left and the QR."""
    code, expires_in = current_code(session_id)
    url = url_for("attendance.checkin_form", session_id=session_id, code=code, _external=True)
    return {"code": code, "url": url, "expires_in": expires_in, "svg": qr_svg(url)}


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="attendance-checkin")


def issue_ticket(session_id: int, code: str) -> str:
    """A signed ticket letting the form that follows a good scan of ``code`` be submitted."""
    return _serializer().dumps([session_id, code, secrets.token_urlsafe(16)])


def read_ticket(session_id: int, code: str, ticket: str) -> str | None:
    """The ticket's random part if it was issued for this session and this URL's code
    within TICKET_AGE seconds, else None."""
    try:
        issued_for, issued_code, nonce = _serializer().loads(ticket, max_age=TICKET_AGE)
    except (BadSignature, SignatureExpired, TypeError, ValueError):
        return None
    if issued_for != session_id or not hmac.compare_digest(str(issued_code), code):
        return None
    return str(nonce)


def _ticket_hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def ticket_used(nonce: str) -> bool:
    """Whether the ticket already marked someone."""
    return db.session.get(CheckinTicket, _ticket_hash(nonce)) is not None


def _spend_ticket(session_id: int, nonce: str) -> None:
    if ticket_used(nonce):
        raise ValidationError(label(USED), "ticket", status=409)
    with unique(label(USED), "ticket"):  # two submits of one form at once: one wins
        db.session.add(CheckinTicket(ticket_hash=_ticket_hash(nonce), session_id=session_id))


@dataclass
class CheckinResult:
    """What the participant's phone is told.

    ``marked``: present now; ``already``: was present already; ``conflict``: the trainer
    had marked them otherwise (kept, and the trainer is told); ``queued``: not enrolled,
    the trainer decides. ``name`` is the masked name of the person marked, if enrolled.
    """

    outcome: str
    request: CheckinRequest | None = None
    name: str | None = None
    document: str = ""


def self_checkin(session: CourseSession, nonce: str, document_type: str,
                 document_number: str) -> CheckinResult:
    """Spend the ticket, then mark an enrolled person present (source qr) unless the trainer
    marked them otherwise, or queue the document for the trainer."""
    doc_type, number = normalize_document(document_type, document_number)
    _spend_ticket(session.id, nonce)
    person = find_person(doc_type, number)
    masked = mask_document(doc_type, number)
    enrollment = None
    if person is not None:
        enrollment = db.session.scalar(
            select(Enrollment).where(
                Enrollment.person_id == person.id, Enrollment.cohort_id == session.cohort_id
            )
        )
    if enrollment is not None and enrollment.status != "retirado":
        result = record_marks([Mark(session.id, enrollment.id, "presente")], source="qr")
        outcome = "marked" if result.written else "already"
        request = None
        if result.kept:
            outcome = "conflict"
            request = _pending(session.id, doc_type, number, enrollment_id=enrollment.id)
        return CheckinResult(outcome, request, person.masked_name, masked)
    return CheckinResult("queued", _pending(session.id, doc_type, number), document=masked)


def _pending(session_id: int, doc_type: str, number: str,
             enrollment_id: int | None = None) -> CheckinRequest:
    # One pending request per document and session: scanning twice asks the trainer once.
    pending = db.session.scalar(
        select(CheckinRequest).where(
            CheckinRequest.session_id == session_id,
            CheckinRequest.document_type == doc_type,
            CheckinRequest.document_number == number,
            CheckinRequest.status == "pending",
        )
    )
    if pending is None:
        pending = CheckinRequest(session_id=session_id, document_type=doc_type,
                                 document_number=number, enrollment_id=enrollment_id,
                                 kind="unknown" if enrollment_id is None else "conflict")
        db.session.add(pending)
        db.session.flush()
    return pending


def pending_requests(session_id: int) -> list[CheckinRequest]:
    """Self check-ins waiting for the trainer, oldest first (conflicts with their person)."""
    return list(
        db.session.scalars(
            select(CheckinRequest)
            .where(CheckinRequest.session_id == session_id, CheckinRequest.status == "pending")
            .options(selectinload(CheckinRequest.enrollment).joinedload(Enrollment.person))
            .order_by(CheckinRequest.created_at)
        )
    )


def reject_request(request: CheckinRequest) -> None:
    """The trainer says this person is not in the session."""
    if request.status != "pending":
        raise ValidationError(_("Esta solicitud ya fue atendida."), "request")
    request.status = "rejected"
    db.session.flush()


def close_request(session_id: int, document_type: str, document_number: str,
                  enrollment_id: int | None = None) -> None:
    """Mark pending requests for this document (or enrollment) as confirmed: the trainer
    just marked the person."""
    for request in pending_requests(session_id):
        if ((request.document_type, request.document_number) == (document_type, document_number)
                or (enrollment_id is not None and request.enrollment_id == enrollment_id)):
            request.status = "confirmed"
    db.session.flush()
