"""API resource: merging duplicate people and undoing a merge (admin only).

The page's rules, through the same service (``people.merging``): compare the records
first, confirm by typing the kept record's document number in full (``confirm_document``),
and undo the latest merge within ``UNDO_DAYS`` days.
"""

from flask import jsonify, url_for

from lms.api import bp
from lms.api.conventions import paginated
from lms.api.core import validated
from lms.api.openapi import doc
from lms.api.people import PERSON, person_json
from lms.api.serialize import BOOL, DATETIME, INT, STR, array, page_schema, to_json
from lms.audit.models import AuditEntry
from lms.auth.models import Role
from lms.people import merging
from lms.people.forms import MergeForm
from lms.people.models import Person
from lms.web import loads, requires

TAGS = ("merges",)
NULLABLE_INT = {"type": ["integer", "null"]}
MERGE = {
    "type": "object",
    "required": ["id", "action", "at", "undoable"],
    "properties": {
        "id": INT, "action": {"type": "string", "enum": ["merge", "unmerge"]},
        "at": DATETIME, "actor_id": NULLABLE_INT,
        "merged_id": NULLABLE_INT, "restored_id": NULLABLE_INT,
        "enrollments_moved": INT, "enrollments_joined": INT,
        "undoable": BOOL, "undo_until": {"type": ["string", "null"], "format": "date-time"},
    },
}
MERGED = {"type": "object", "required": ["merge", "person"],
          "properties": {"merge": MERGE, "person": PERSON.schema}}
ROW = {"type": "object", "properties": {"field": STR, "label": STR, "kept": STR, "other": STR,
                                        "differs": BOOL, "crucial": BOOL}}
COMPARISON = {"type": "object", "properties": {"kept_id": INT, "other_id": INT,
                                               "rows": array(ROW)}}
MERGE_EXAMPLE = {"id": 301, "action": "merge", "at": "2026-03-02T14:05:00Z", "actor_id": 1,
                 "merged_id": 58, "restored_id": None, "enrollments_moved": 2,
                 "enrollments_joined": 0, "undoable": True,
                 "undo_until": "2026-04-01T14:05:00Z"}
RESTORED_EXAMPLE = {"id": 77, "document_type": "TI", "document_number": "1090000002",
                    "first_names": "Camila", "last_names": "Pérez Rojas",
                    "birth_date": "2012-08-08", "sex": "F", "gender_identity": None,
                    "phone": None, "email": None, "zone": "urbana", "area": "Comuna 6",
                    "barrio": None, "anonymized": False, "consents": []}
CONFIRM = ("Para confirmar, escriba el número de documento del registro que se conserva (CC).",
           "confirm_document")
UNDO = ("Solo se puede deshacer la última fusión de esta persona, durante 30 días, y si la "
        "persona no fue anonimizada.")


def _merge_json(entry: AuditEntry, undoable: AuditEntry | None) -> dict:
    changes = entry.changes or {}
    can_undo = undoable is not None and undoable.id == entry.id
    return {
        "id": entry.id, "action": entry.action, "at": to_json(entry.at),
        "actor_id": entry.actor_id, "merged_id": changes.get("merged_id"),
        "restored_id": changes.get("restored_id"),
        "enrollments_moved": len(changes.get("enrollments_moved", [])),
        "enrollments_joined": len(changes.get("enrollments_joined", [])),
        "undoable": can_undo,
        "undo_until": to_json(merging.undo_deadline(entry)) if can_undo else None,
    }


@bp.get("/people/<int:person_id>/merges")
@doc("Fusiones y deshacer de una persona, la más reciente primero (admin)",
     response=page_schema(MERGE), tags=TAGS,
     example={"items": [MERGE_EXAMPLE], "limit": 50, "total": 1, "next": None})
@requires(Role.ADMIN)
@loads("person_id", Person)
def merges_list(person: Person):
    """The person's merge history; only the latest merge, within 30 days, can be undone."""
    undoable = merging.undoable_merge(person)
    return jsonify(paginated(merging.merges_query(person), lambda e: _merge_json(e, undoable)))


@bp.get("/people/<int:person_id>/compare/<int:other_id>")
@doc("Comparar dos registros antes de fusionarlos (admin)", response=COMPARISON, tags=TAGS,
     example={"kept_id": 12, "other_id": 58, "rows": [
         {"field": "birth_date", "label": "Fecha de nacimiento", "kept": "1990-05-04",
          "other": "1990-04-05", "differs": True, "crucial": True}]})
@requires(Role.ADMIN)
@loads("other_id", Person)
@loads("person_id", Person)
def merges_compare(person: Person, other: Person):
    """The two records field by field; crucial differences usually mean two people."""
    return jsonify({"kept_id": person.id, "other_id": other.id,
                    "rows": [{k: str(v) if k in ("kept", "other") else v for k, v in row.items()}
                             for row in merging.compare(person, other)]})


@bp.post("/people/<int:person_id>/merges")
@doc("Fusionar un registro duplicado en esta persona (admin); se confirma escribiendo el "
     "número de documento del registro que se conserva", body=MergeForm, response=MERGED,
     status=201, tags=TAGS, example={"merge": MERGE_EXAMPLE, "person": {
         **RESTORED_EXAMPLE, "id": 12, "document_type": "CC", "document_number": "1090123456",
         "first_names": "Carlos", "last_names": "Pérez", "birth_date": "1990-04-04"}},
     body_example={"duplicate_id": 58, "confirm_document": "1090123456"},
     errors={422: [CONFIRM, ("El registro duplicado no existe.", "duplicate_id"),
                   ("Elija dos registros distintos.", "duplicate_id"),
                   ("El registro que se conserva no puede estar anonimizado.", None)]})
@requires(Role.ADMIN)
@loads("person_id", Person)
def merges_create(person: Person):
    """Fold the duplicate into this person: enrollments, marks, documents and consents move."""
    form = validated(MergeForm)
    merging.merge_confirmed(person, form.duplicate_id.data, form.confirm_document.data)
    entry = merging.undoable_merge(person)
    body = {"merge": _merge_json(entry, entry), "person": person_json(person)}
    location = url_for("api.merges_list", person_id=person.id)
    return jsonify(body), 201, {"Location": location}


@bp.post("/people/<int:person_id>/merges/<int:entry_id>/undo")
@doc("Deshacer la última fusión de una persona, dentro de 30 días (admin); devuelve el "
     "registro restaurado", response=PERSON.schema, tags=TAGS, example=RESTORED_EXAMPLE,
     errors={409: [UNDO, ("Otra persona tiene ahora el documento del registro fusionado; no "
                          "se puede deshacer.", "document_number")]})
@requires(Role.ADMIN)
@loads("person_id", Person)
def merges_undo(person: Person, entry_id: int):
    """The merged record comes back with its enrollments; the survivor loses what it got."""
    restored = merging.unmerge(person, entry_id)
    return jsonify(person_json(restored))

