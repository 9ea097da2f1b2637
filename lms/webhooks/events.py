"""The domains' signals, turned into webhook deliveries (ids only, no personal data).

Each event becomes one delivery per active endpoint subscribed to it, written in the
transaction that caused it and sent by the task queue only after that commits.
"""

import json
import secrets

from sqlalchemy import select

from lms import tasks
from lms.attendance import signals as attendance_signals
from lms.certificates import signals as certificate_signals
from lms.certificates.models import Certificate
from lms.extensions import db
from lms.people import signals as people_signals
from lms.timeutil import utcnow
from lms.webhooks.delivery import deliver
from lms.webhooks.models import WebhookDelivery, WebhookEndpoint


def emit(event_type: str, *events: dict) -> int:
    """Queue one ``event_type`` event per ``events`` item (its ``data``) for every endpoint
    that wants it, with one query for the endpoints however many events; how many queued."""
    endpoints = [e for e in db.session.scalars(
        select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True))) if event_type in e.events]
    if not endpoints:
        return 0
    occurred = utcnow().isoformat(timespec="seconds") + "Z"
    deliveries = []
    for data in events:
        event_id = f"msg_{secrets.token_hex(12)}"
        payload = json.dumps({"id": event_id, "type": event_type, "occurred_at": occurred,
                              "data": data}, separators=(",", ":"))
        deliveries += [WebhookDelivery(endpoint_id=e.id, event_id=event_id,
                                       event_type=event_type, payload=payload)
                       for e in endpoints]
    db.session.add_all(deliveries)
    db.session.flush()
    for delivery in deliveries:
        tasks.enqueue(deliver, delivery.id)
    return len(deliveries)


@attendance_signals.enrollment_completed.connect
def _completed(_sender, enrollment_id: int, completed_on=None, **_kwargs) -> None:
    emit("enrollment.completed", {"enrollment_id": enrollment_id,
                                  "completed_on": completed_on.isoformat() if completed_on
                                  else None})


@attendance_signals.attendance_changed.connect
def _attendance(_sender, session_ids, enrollment_ids, **_kwargs) -> None:
    emit("attendance.changed", {"session_ids": sorted(session_ids),
                                "enrollment_ids": sorted(enrollment_ids)})


@certificate_signals.documents_issued.connect
def _issued(_sender, ids, **_kwargs) -> None:
    rows = db.session.execute(select(Certificate.code, Certificate.enrollment_id)
                              .where(Certificate.id.in_(ids)).order_by(Certificate.id)).all()
    emit("certificate.issued", *({"code": code, "enrollment_id": enrollment_id}
                                 for code, enrollment_id in rows))


@certificate_signals.document_revoked.connect
def _revoked(_sender, cert_id: int, **_kwargs) -> None:
    emit("certificate.revoked", {"code": _code(cert_id)})


@certificate_signals.document_superseded.connect
def _superseded(_sender, old_id: int, new_id: int, **_kwargs) -> None:
    emit("certificate.superseded", {"code": _code(old_id), "replaced_by": _code(new_id)})


def _code(cert_id: int) -> str:
    return db.session.scalar(select(Certificate.code).where(Certificate.id == cert_id))


@people_signals.person_anonymized.connect
def _anonymized(sender, **_kwargs) -> None:
    emit("person.anonymized", {"person_id": sender.id})
