"""Self check-in through a rotating QR code.

The code is an HMAC of the session id and a 20-second time window, so it needs no
storage and cannot be guessed; a code photographed and sent to someone at home
stops working within seconds. The check-in form then carries a short-lived signed
ticket, so a participant who types slowly is not refused.
"""

import hashlib
import hmac
import time
from base64 import b32encode
from dataclasses import dataclass
from io import BytesIO

import qrcode
import qrcode.image.svg
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from lms.attendance.marks import Mark, record_marks
from lms.attendance.models import CheckinRequest
from lms.courses.models import CourseSession, Enrollment
from lms.errors import ValidationError
from lms.extensions import db
from lms.people.services import find_person, normalize_document

#: Seconds each code is shown.
WINDOW = 20
#: Extra seconds a code stays valid after the next one appears (scanning takes time).
MARGIN = 10
#: Seconds the check-in form stays valid after a good scan.
TICKET_AGE = 300

EXPIRED = (
    "El código QR ya venció. Escanee de nuevo el código que se muestra en la pantalla "
    "del formador."
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


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="attendance-checkin")


def issue_ticket(session_id: int) -> str:
    """A signed ticket letting the form that follows a good scan be submitted."""
    return _serializer().dumps(session_id)


def ticket_is_valid(session_id: int, ticket: str) -> bool:
    """Whether the ticket was issued for this session within TICKET_AGE seconds."""
    try:
        return _serializer().loads(ticket, max_age=TICKET_AGE) == session_id
    except (BadSignature, SignatureExpired):
        return False


@dataclass
class CheckinResult:
    """``marked`` when the person was enrolled, ``queued`` when the trainer must decide."""

    outcome: str
    request: CheckinRequest | None = None


def self_checkin(session: CourseSession, document_type: str, document_number: str):
    """Mark an enrolled person present (source qr), or queue the document for the trainer."""
    doc_type, number = normalize_document(document_type, document_number)
    person = find_person(doc_type, number)
    enrollment = None
    if person is not None:
        enrollment = db.session.scalar(
            select(Enrollment).where(
                Enrollment.person_id == person.id, Enrollment.cohort_id == session.cohort_id
            )
        )
    if enrollment is not None and enrollment.status != "retirado":
        record_marks([Mark(session.id, enrollment.id, "presente")], source="qr")
        return CheckinResult("marked")
    pending = db.session.scalar(
        select(CheckinRequest).where(
            CheckinRequest.session_id == session.id,
            CheckinRequest.document_type == doc_type,
            CheckinRequest.document_number == number,
            CheckinRequest.status == "pending",
        )
    )
    if pending is None:
        pending = CheckinRequest(session_id=session.id, document_type=doc_type,
                                 document_number=number)
        db.session.add(pending)
        db.session.flush()
    return CheckinResult("queued", pending)


def pending_requests(session_id: int) -> list[CheckinRequest]:
    """Self check-ins waiting for the trainer, oldest first."""
    return list(
        db.session.scalars(
            select(CheckinRequest)
            .where(CheckinRequest.session_id == session_id, CheckinRequest.status == "pending")
            .order_by(CheckinRequest.created_at)
        )
    )


def reject_request(request: CheckinRequest) -> None:
    """The trainer says this person is not in the session."""
    if request.status != "pending":
        raise ValidationError("Esta solicitud ya fue atendida.", "request")
    request.status = "rejected"
    db.session.flush()


def close_request(session_id: int, document_type: str, document_number: str) -> None:
    """Mark pending requests for this document as confirmed (the person was just marked)."""
    for request in pending_requests(session_id):
        if (request.document_type, request.document_number) == (document_type, document_number):
            request.status = "confirmed"
    db.session.flush()
