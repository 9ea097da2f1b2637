"""API resource: the data holder's right to know, as the person page's export (admin only).

Correcting is ``PATCH /people/{id}`` and anonymising ``DELETE /people/{id}``
(lms/api/people.py); merging is lms/api/merges.py.
"""

from flask import Response

from lms.api import bp
from lms.api.openapi import doc
from lms.auth.models import Role
from lms.people import rights
from lms.people.models import Person
from lms.web import loads, requires

EXPORT = {
    "type": "object",
    "description": "Todo lo guardado sobre la persona, igual a la descarga de su página: "
                   "persona, datos sensibles, autorizaciones, inscripciones, asistencia y "
                   "certificados.",
    "required": ["exported_at", "person", "sensitive", "consents"],
    "properties": {
        "exported_at": {"type": "string"},
        "person": {"type": "object"},
        "sensitive": {"type": ["object", "null"]},
        "consents": {"type": "array", "items": {"type": "object"}},
    },
    "additionalProperties": True,
}
EXAMPLE = {
    "exported_at": "2026-03-02T14:05:00Z",
    "person": {"id": 12, "document_type": "CC", "document_number": "1090123456",
               "first_names": "Ana María", "last_names": "Pérez Gómez"},
    "sensitive": None,
    "consents": [{"notice_version": "2024-01", "granted_at": "2026-02-01T13:00:00",
                  "channel": "form", "recorded_by_id": 1, "guardian_name": None,
                  "guardian_document": None, "revoked_at": None}],
    "enrollments": [],
}


@bp.get("/people/<int:person_id>/export")
@doc("Exportar todos los datos de una persona (derecho a conocer; admin; queda en la "
     "auditoría)", response=EXPORT, tags=("people",), example=EXAMPLE)
@requires(Role.ADMIN)
@loads("person_id", Person)
def people_export(person: Person):
    """Everything stored about the person, the same JSON the page downloads; audited."""
    return Response(rights.export_json(person), mimetype="application/json")
