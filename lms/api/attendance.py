"""API resource: attendance of a session (roster and marks), for LMS and mobile clients.

A trainer's token reaches only the cohorts they manage. Marks are idempotent by
``mark_id``: a client that retries after a timeout never records a mark twice.
"""

from flask import jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select, tuple_

from lms import policy
from lms.api import bp
from lms.api.openapi import doc
from lms.api.serialize import to_json
from lms.attendance.marks import Mark, clean_note, record_marks
from lms.attendance.models import NOTE_MAX, STATUSES
from lms.attendance.roster import roster
from lms.courses.models import CourseSession, Enrollment
from lms.errors import ValidationError
from lms.extensions import db
from lms.people.models import Person
from lms.people.services import normalize_document
from lms.policy import Role
from lms.web import loads, requires

_STR = {"type": "string"}
_NULLABLE = {"type": "string", "nullable": True}
ITEM_IN = {
    "type": "object",
    "required": ["document_type", "document_number", "status", "mark_id"],
    "properties": {
        "document_type": {"type": "string", "enum": ["CC", "TI", "RC", "CE", "PA", "PEP", "PPT"]},
        "document_number": _STR,
        "status": {"type": "string", "enum": list(STATUSES)},
        "mark_id": {"type": "string", "maxLength": 64,
                    "description": "Clave única elegida por el cliente; repetirla no duplica."},
        "note": {"type": "string", "maxLength": NOTE_MAX, "nullable": True,
                 "description": "Nota breve sobre la marca, sin datos personales. Si falta, "
                                "se conserva la nota actual; una cadena vacía la borra."},
    },
}
ROSTER = {
    "type": "object",
    "properties": {
        "session": {"type": "object", "properties": {
            "id": {"type": "integer"}, "cohort_id": {"type": "integer"},
            "cohort_code": _STR, "date": {"type": "string", "format": "date"},
            "hours": {"type": "number"}}},
        "items": {"type": "array", "items": {"type": "object", "properties": {
            "enrollment_id": {"type": "integer"}, "document_type": _STR,
            "document_number": _STR, "first_names": _STR, "last_names": _STR,
            "status": _NULLABLE, "source": _NULLABLE, "note": _NULLABLE,
            "marked_at": {"type": "string", "format": "date-time", "nullable": True},
            "hours_credited": {"type": "number"}, "completed": {"type": "boolean"}}}},
    },
}
RESULT = {"type": "object", "properties": {
    "created": {"type": "integer"}, "updated": {"type": "integer"},
    "unchanged": {"type": "integer"}, "completed": {"type": "integer"}}}


@bp.route("/sessions/<int:session_id>/roster")
@doc("Lista de una sesión: inscritos con su marca", response=ROSTER, tags=("attendance",))
@requires(Role.ADMIN, Role.TRAINER)
@loads("session_id", CourseSession, can=policy.can_manage_session)
def session_roster(session: CourseSession):
    """The enrolled people of a session's cohort with their marks."""
    items = []
    for row in roster(session):
        mark, person, enrollment = row.mark, row.person, row.enrollment
        items.append({
            "enrollment_id": enrollment.id, "document_type": person.document_type,
            "document_number": person.document_number, "first_names": person.first_names,
            "last_names": person.last_names, "status": mark.status if mark else None,
            "source": mark.source if mark else None, "note": mark.note if mark else None,
            "marked_at": to_json(mark.marked_at) if mark else None,
            "hours_credited": float(enrollment.hours_credited or 0),
            "completed": enrollment.is_complete,
        })
    return jsonify({"session": {"id": session.id, "cohort_id": session.cohort_id,
                                "cohort_code": session.cohort.code,
                                "date": session.date.isoformat(), "hours": float(session.hours)},
                    "items": items})


def _items(payload) -> list:
    if isinstance(payload, dict) and isinstance(payload.get("items"), list):
        return payload["items"]
    if isinstance(payload, list):
        return payload
    raise ValidationError(_("El cuerpo debe ser una lista JSON de marcas."), status=400)


def _check(items: list) -> tuple[list[tuple], dict]:
    """Validate every item; return (index, type, number, status, mark_id, note) and errors."""
    clean, fields = [], {}
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            fields[f"items[{i}]"] = ["Cada marca debe ser un objeto JSON."]
            continue
        try:
            doc_type, number = normalize_document(str(item.get("document_type") or ""),
                                                  str(item.get("document_number") or ""))
        except ValidationError as exc:
            fields[f"items[{i}].{exc.field}"] = [exc.message]
            continue
        status, mark_id = item.get("status"), item.get("mark_id")
        try:
            note = clean_note(item.get("note"))
        except ValidationError as exc:
            fields[f"items[{i}].note"] = [exc.message]
        if status not in STATUSES:
            fields[f"items[{i}].status"] = ["Use presente, tarde, excusa o ausente."]
        if not isinstance(mark_id, str) or not 1 <= len(mark_id.strip()) <= 64:
            fields[f"items[{i}].mark_id"] = ["Escriba un mark_id de 1 a 64 caracteres."]
        if not any(f"items[{i}].{name}" in fields for name in ("status", "mark_id", "note")):
            clean.append((i, doc_type, number, status, mark_id.strip(), note))
    return clean, fields


@bp.route("/sessions/<int:session_id>/attendance", methods=["PUT"])
@doc("Registrar marcas de asistencia (idempotente por mark_id)",
     body={"type": "array", "items": ITEM_IN}, response=RESULT, tags=("attendance",))
@requires(Role.ADMIN, Role.TRAINER)
@loads("session_id", CourseSession, can=policy.can_manage_session)
def put_attendance(session: CourseSession):
    """Record a list of marks; any bad item means 422 naming it and nothing written."""
    items = _items(request.get_json(silent=True))
    clean, fields = _check(items)
    docs = list({(t, n) for _, t, n, *_ in clean})
    enrolled = {}
    if docs:
        enrolled = {(t, n): e for t, n, e in db.session.execute(
            select(Person.document_type, Person.document_number, Enrollment.id)
            .join(Enrollment, Enrollment.person_id == Person.id)
            .where(Enrollment.cohort_id == session.cohort_id,
                   tuple_(Person.document_type, Person.document_number).in_(docs)))}
    marks, index_of = [], {}
    for i, doc_type, number, status, mark_id, note in clean:
        enrollment_id = enrolled.get((doc_type, number))
        if enrollment_id is None:
            fields[f"items[{i}].document_number"] = [
                f"{doc_type} {number} no tiene inscripción en el grupo {session.cohort.code}."]
            continue
        if mark_id in index_of:
            fields[f"items[{i}].mark_id"] = ["mark_id repetido en la misma solicitud."]
            continue
        index_of[mark_id] = i
        marks.append(Mark(session.id, enrollment_id, status, mark_id, note))
    if fields:
        raise ValidationError(next(iter(fields.values()))[0], fields=fields)
    try:
        result = record_marks(marks, source="api")
    except ValidationError as exc:
        db.session.rollback()
        culprit = next((i for m, i in index_of.items() if f"«{m}»" in exc.message), None)
        name = f"items[{culprit}].mark_id" if culprit is not None else "items"
        raise ValidationError(exc.message, fields={name: [exc.message]}) from None
    return jsonify({"created": result.created, "updated": result.updated,
                    "unchanged": len(marks) - result.written, "completed": len(result.completed)})
