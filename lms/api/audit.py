"""API resource: the audit trail, read-only, for the same roles as the page (admins), with
the page's filters (``lms.audit.search``: one filter for the page, its XLSX and this)."""

from flask import jsonify, request
from sqlalchemy.orm import joinedload

from lms.api import bp
from lms.api.conventions import paginated
from lms.api.openapi import doc, query
from lms.api.serialize import DATETIME, INT, STR, array, page_schema, to_json
from lms.audit import labels, search
from lms.audit.models import AuditEntry
from lms.auth.models import Role
from lms.web import requires

#: The API's names for the page's filters (``search.PAGE_NAMES``).
NAMES = {"entity": "entity", "actor": "actor", "since": "since", "until": "until",
         "entity_id": "entity_id"}
ANY = {}  # a stored value: any JSON
CHANGE = {"type": "object", "required": ["field", "label", "before", "after"], "properties": {
    "field": STR, "label": STR, "before": ANY, "after": ANY}}
ENTRY = {"type": "object",
         "required": ["id", "at", "actor_id", "actor_name", "action", "action_label", "entity",
                      "entity_name", "entity_label", "entity_id", "changes"],
         "properties": {
             "id": INT, "at": DATETIME, "actor_id": {"type": ["integer", "null"]},
             "actor_name": STR, "action": STR, "action_label": STR, "entity": STR,
             "entity_name": STR, "entity_label": STR,
             "entity_id": {"type": ["integer", "null"]},
             "changes": array(CHANGE)}}
EXAMPLE = {"items": [{
    "id": 812, "at": "2026-03-04T15:20:11Z", "actor_id": 2, "actor_name": "Paula Rincón",
    "action": "update", "action_label": "Modificación", "entity": "people",
    "entity_name": "personas", "entity_label": "Persona", "entity_id": 57,
    "changes": [{"field": "last_names", "label": "Apellidos", "before": "Peña",
                 "after": "Peña Ortiz"}]}], "limit": 50, "total": 1, "next": None}
PARAMS = (
    query("entity", {"type": "string"},
          "Entidad: su nombre en español (personas, grupos, certificados…) o su tabla."),
    query("actor", {"type": "string", "pattern": "^([1-9][0-9]*|sistema)$"},
          "Id del usuario que hizo el cambio, o «sistema» (tareas y comandos)."),
    query("since", {"type": "string", "format": "date"}, "Desde este día (hora de Bogotá)."),
    query("until", {"type": "string", "format": "date"}, "Hasta este día, incluido."),
    query("entity_id", description="Id del registro."),
)


def _changes(stored) -> list[dict]:
    if not isinstance(stored, dict):
        return [{"field": "detail", "label": "Detalle", "before": None, "after": stored}]
    out = []
    for field, value in stored.items():
        pair = value if isinstance(value, list) and len(value) == 2 else [None, value]
        out.append({"field": field, "label": labels.field_label(field), "before": pair[0],
                    "after": pair[1]})
    return out


def dump(entry: AuditEntry) -> dict:
    """One entry as JSON: stored values as stored, with Spanish labels beside them."""
    return {
        "id": entry.id, "at": to_json(entry.at), "actor_id": entry.actor_id,
        "actor_name": entry.actor.name if entry.actor is not None else "Sistema",
        "action": entry.action, "action_label": labels.action_label(entry.action),
        "entity": entry.entity,
        "entity_name": labels.ENTITIES.get(entry.entity, (entry.entity,))[0],
        "entity_label": labels.entity_label(entry.entity), "entity_id": entry.entity_id,
        "changes": _changes(entry.changes),
    }


@bp.get("/audit")
@doc("Registro de auditoría, del más reciente al más antiguo (admin)",
     response=page_schema(ENTRY), params=PARAMS, tags=("audit",), example=EXAMPLE)
@requires(Role.ADMIN)
def audit_list():
    """The trail, filtered as on /auditoria/."""
    filters = search.parse(request.args, NAMES)
    entries = search.entries(filters).options(joinedload(AuditEntry.actor))
    return jsonify(paginated(entries, dump))
