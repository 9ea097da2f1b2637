"""API resource: the QR self check-in's trainer side, and completion conflicts (see
lms/api/__init__.py).

- The current QR code of a session, as the QR screen polls it.
- Self check-ins waiting for the trainer: a document not enrolled, or a QR check-in that met
  a mark the trainer had set (``conflict``). A trainer lists and settles those of the
  cohorts they manage only; ``roster.settle_request`` does what the roster's tap does.
- Completions whose attendance fell after a document was issued: admins only, as the page
  /asistencia/conflictos, settled by ``completion.resolve_conflict``.
"""

from flask import jsonify
from flask_login import current_user
from sqlalchemy import select

from lms import policy
from lms.api import bp
from lms.api.conventions import int_arg, paginated
from lms.api.core import validated
from lms.api.openapi import doc, query
from lms.api.serialize import DATETIME, INT, STR, page_schema, to_json
from lms.attendance import checkin, completion, roster
from lms.attendance.forms import ResolveForm, SettleRequestForm
from lms.attendance.models import CheckinRequest
from lms.auth.models import Role
from lms.courses.models import Cohort, CourseSession, Enrollment
from lms.extensions import db
from lms.web import loads, requires

TRAINERS = (Role.ADMIN, Role.TRAINER)
CODE = {"type": "object", "properties": {"code": STR, "url": STR, "expires_in": INT,
                                         "svg": {**STR, "contentMediaType": "image/svg+xml"}}}
REQUEST = {"type": "object", "properties": {
    "id": INT, "session_id": INT, "kind": {"type": "string", "enum": ["unknown", "conflict"]},
    "status": {"type": "string", "enum": ["pending", "confirmed", "rejected"]},
    "document_type": STR, "document_number": STR, "created_at": DATETIME,
    "enrollment_id": {"type": ["integer", "null"]}, "name": {"type": ["string", "null"]}}}
CONFLICT = {"type": "object", "properties": {
    "enrollment_id": INT, "cohort_id": INT, "person_id": INT, "name": STR, "status": STR,
    "hours_credited": {"type": "number"},
    "completed_on": {"type": ["string", "null"], "format": "date"}}}
_REQUEST_EXAMPLE = {"id": 3, "session_id": 12, "kind": "conflict", "status": "pending",
                    "document_type": "CC", "document_number": "1090111222",
                    "created_at": "2026-03-02T14:05:00Z", "enrollment_id": 41,
                    "name": "Ana María Pérez"}


def _can_settle(user, row: CheckinRequest) -> bool:
    return policy.can_manage_session(user, db.session.get(CourseSession, row.session_id))


def request_json(row: CheckinRequest) -> dict:
    """A self check-in request; the person's name only when it is enrolled here."""
    person = row.enrollment.person if row.enrollment is not None else None
    return {"id": row.id, "session_id": row.session_id, "kind": row.kind, "status": row.status,
            "document_type": row.document_type, "document_number": row.document_number,
            "created_at": to_json(row.created_at), "enrollment_id": row.enrollment_id,
            "name": person.full_name if person is not None else None}


@bp.get("/sessions/<int:session_id>/checkin-code")
@doc("El código QR vigente de una sesión (rota; expires_in en segundos)", response=CODE,
     tags=("attendance",), example={"code": "K7Q2MD", "expires_in": 41,
                                    "url": "https://formacion.example.gov.co/s/12/K7Q2MD",
                                    "svg": "<svg …>"})
@requires(*TRAINERS)
@loads("session_id", CourseSession, can=policy.can_manage_session)
def checkin_code(session: CourseSession):
    """The code the QR screen shows now (never cached)."""
    response = jsonify(checkin.qr_payload(session.id))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/checkin-requests")
@doc("Solicitudes de registro por QR pendientes (personas no inscritas y conflictos con la "
     "marca del formador), de los grupos que el token gestiona", tags=("attendance",),
     response=page_schema(REQUEST), params=(query("session_id", description="Una sesión."),),
     example={"items": [_REQUEST_EXAMPLE], "limit": 50, "total": 1, "next": None})
@requires(*TRAINERS)
def checkin_requests_list():
    """Pending requests, oldest first; a trainer sees their own cohorts' only."""
    stmt = (select(CheckinRequest)
            .join(CourseSession, CourseSession.id == CheckinRequest.session_id)
            .join(Cohort, Cohort.id == CourseSession.cohort_id)
            .where(CheckinRequest.status == "pending", policy.cohorts_managed(current_user))
            .order_by(CheckinRequest.created_at, CheckinRequest.id))
    session_id = int_arg("session_id")
    if session_id is not None:
        stmt = stmt.where(CheckinRequest.session_id == session_id)
    return jsonify(paginated(stmt, request_json))


@bp.post("/checkin-requests/<int:request_id>/resolve")
@doc("Atender una solicitud: confirm marca a la persona inscrita con status (presente por "
     "omisión), reject la rechaza", body=SettleRequestForm, response=REQUEST,
     tags=("attendance",), example={**_REQUEST_EXAMPLE, "status": "confirmed"})
@requires(*TRAINERS)
@loads("request_id", CheckinRequest, can=_can_settle)
def checkin_requests_resolve(request: CheckinRequest):
    """Settle one request (422 when already settled, or confirming someone not enrolled)."""
    form = validated(SettleRequestForm)
    session = db.session.get(CourseSession, request.session_id)
    roster.settle_request(session, request, form.action.data, form.status.data)
    return jsonify(request_json(request))


def conflict_json(enrollment: Enrollment) -> dict:
    """A completion kept because a document was issued."""
    return {"enrollment_id": enrollment.id, "cohort_id": enrollment.cohort_id,
            "person_id": enrollment.person_id, "name": enrollment.person.full_name,
            "status": enrollment.status,
            "hours_credited": float(enrollment.hours_credited or 0),
            "completed_on": to_json(enrollment.completed_on)}


@bp.get("/completion-conflicts")
@doc("Finalizaciones cuya asistencia bajó después de emitir un documento", tags=("attendance",),
     response={"type": "array", "items": CONFLICT},
     example=[{"enrollment_id": 41, "cohort_id": 7, "person_id": 19, "name": "Ana María Pérez",
               "status": "completo", "hours_credited": 14.0, "completed_on": "2026-03-20"}])
@requires(Role.ADMIN)
def completion_conflicts():
    """The list of /asistencia/conflictos."""
    return jsonify([conflict_json(e) for e in completion.pending_conflicts()])


@bp.post("/completion-conflicts/<int:enrollment_id>/resolve")
@doc("Resolver un conflicto: keep mantiene la finalización, undo la deshace (solo sin un "
     "documento vigente)", body=ResolveForm, response=CONFLICT, tags=("attendance",),
     example={"enrollment_id": 41, "cohort_id": 7, "person_id": 19, "name": "Ana María Pérez",
              "status": "inscrito", "hours_credited": 14.0, "completed_on": None})
@requires(Role.ADMIN)
@loads("enrollment_id", Enrollment)
def completion_conflicts_resolve(enrollment: Enrollment):
    """Keep or undo a flagged completion (422 naming ``action``)."""
    form = validated(ResolveForm)
    completion.resolve_conflict(enrollment, form.action.data)
    return jsonify(conflict_json(enrollment))
