"""The trail in the auditor's words: Spanish names for actions, entities (tables) and fields,
and stored values written as people read them (dates as dd/mm/aaaa, times in Bogotá)."""

import re
from datetime import date, datetime

from lms.formatting import EMPTY, date_time, short_date
from lms.text import fold

#: Table → (name in URLs and filters, label). The URL name is what ``?entidad=`` takes.
ENTITIES = {
    "people": ("personas", "Persona"),
    "people_sensitive": ("datos-sensibles", "Datos sensibles"),
    "consents": ("autorizaciones", "Autorización de datos"),
    "privacy_notices": ("avisos", "Aviso de privacidad"),
    "areas": ("comunas", "Comuna o corregimiento"),
    "sites": ("sedes", "Sede"),
    "courses": ("cursos", "Curso"),
    "plan_indicators": ("indicadores", "Indicador"),
    "cohorts": ("grupos", "Grupo"),
    "sessions": ("sesiones", "Sesión"),
    "enrollments": ("inscripciones", "Inscripción"),
    "attendance": ("asistencia", "Asistencia"),
    "certificates": ("certificados", "Certificado o constancia"),
    "users": ("usuarios", "Usuario"),
    "api_tokens": ("tokens", "Token de API"),
    "lti_platforms": ("plataformas-lms", "Plataforma LMS"),
    "lti_deployments": ("despliegues-lms", "Despliegue LMS"),
    "lti_contexts": ("cursos-lms", "Curso en el LMS"),
    "lti_accounts": ("cuentas-lms", "Cuenta del LMS"),
}
#: Stored action → label.
ACTIONS = {
    "create": "Creación", "update": "Modificación", "delete": "Eliminación",
    "merge": "Fusión de personas", "unmerge": "Fusión deshecha", "anonymize": "Anonimización",
    "export": "Exportación de datos", "revoke": "Revocación", "supersede": "Reemplazo",
    "enroll_after_end": "Inscripción tras el fin del grupo", "lti_launch": "Ingreso desde el LMS",
    "lti_link": "Vínculo con el LMS", "lti_deep_link": "Enlace profundo del LMS",
    "lti_grade": "Nota enviada al LMS", "lti_grade_failed": "Nota no enviada al LMS",
    "lti_roster": "Lista del LMS",
}
#: Column (or detail key) → label; one name means the same everywhere.
FIELDS = {
    "active": "Activo", "address": "Dirección", "anonymized_at": "Anonimizada el",
    "approved": "Aprobada", "area": "Comuna o corregimiento", "auto_issue": "Emisión automática",
    "barrio": "Barrio", "birth_date": "Fecha de nacimiento", "capacity": "Capacidad",
    "channel": "Canal", "code": "Código", "cohort_id": "Grupo", "completed_on": "Completó el",
    "completion_conflict": "Conflicto de finalización", "course_code": "Código del curso",
    "course_id": "Curso", "course_name": "Curso", "created_at": "Creado el", "date": "Fecha",
    "description": "Descripción", "disability": "Discapacidad",
    "document_kind": "Tipo de documento emitido",
    "document_number": "Número de documento", "document_type": "Tipo de documento",
    "email": "Correo", "end_date": "Fecha de fin", "enrolled_at": "Inscrito el",
    "enrolled_by_id": "Inscrito por", "enrollment_id": "Inscripción",
    "ethnic_group": "Grupo étnico", "first_names": "Nombres",
    "gender_identity": "Identidad de género", "goal": "Meta", "granted_at": "Autorizado el",
    "grants_document": "Otorga documento", "guardian_document": "Documento del acudiente",
    "guardian_name": "Nombre del acudiente", "holder_name": "Titular", "hours": "Horas",
    "hours_credited": "Horas acreditadas", "issued_at": "Emitido el", "issued_by_id": "Emitido por",
    "kind": "Tipo", "last_names": "Apellidos", "marked_at": "Marcado el",
    "marked_by_id": "Marcado por", "migrant": "Migrante",
    "min_attendance_pct": "Asistencia mínima (%)", "modality": "Modalidad", "name": "Nombre",
    "notice_id": "Aviso de privacidad", "one_document_per_product": "Un documento por producto",
    "period_end": "Fin del periodo", "period_start": "Inicio del periodo",
    "person_id": "Persona", "phone": "Teléfono", "product_code": "Código del producto",
    "product_name": "Producto", "published_at": "Publicado el",
    "recorded_by_id": "Registrado por", "revoked_at": "Revocado el",
    "revoked_reason": "Motivo de revocación", "role": "Rol", "rule": "Regla de conteo",
    "session_id": "Sesión", "sex": "Sexo", "signer_id": "Firmante", "site_id": "Sede",
    "site_name": "Sede", "source": "Origen", "start_date": "Fecha de inicio",
    "start_time": "Hora de inicio", "status": "Estado", "superseded_by_id": "Reemplazado por",
    "text": "Texto", "title": "Título", "topic": "Tema", "trainer_ids": "Formadores",
    "trainer_name": "Formador", "user_id": "Usuario", "version": "Versión", "victim": "Víctima",
    "zone": "Zona", "prefix": "Prefijo", "platform_id": "Plataforma", "issuer": "Emisor",
    "client_id": "Id de cliente", "deployment_id": "Despliegue", "context_id": "Contexto",
    "sha256": "Huella SHA-256", "kid": "Clave de firma", "subject_id": "Sujeto",
    "status_index": "Posición en la lista de estado", "id": "Id", "retired": "Retirados",
}
#: Words a stored value may be, in Spanish (roles, sources, zones, rules…).
WORDS = {
    "admin": "Administrador", "trainer": "Formador", "analyst": "Analista",
    "completed": "Completó", "certified": "Certificado vigente", "form": "Formulario",
    "web": "Web", "api": "API", "planilla": "Planilla", "qr": "QR", "offline": "Sin conexión",
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")
#: URL name or folded label → table.
_BY_NAME = {name: table for table, (name, _label) in ENTITIES.items()}
_BY_NAME.update({fold(label): table for table, (_name, label) in ENTITIES.items()})


def entity_table(text: str) -> str | None:
    """The table a filter names: its URL name (``personas``), its label or the table itself."""
    key = fold(text).replace(" ", "-")
    if text in ENTITIES:
        return text
    return _BY_NAME.get(key) or _BY_NAME.get(fold(text))


def entity_label(table: str) -> str:
    """The entity's Spanish label (unknown tables keep their name)."""
    return ENTITIES.get(table, (table, table))[1]


def action_label(action: str) -> str:
    """The action's Spanish label."""
    return ACTIONS.get(action, action.replace("_", " ").capitalize())


def field_label(field: str) -> str:
    """The field's Spanish label."""
    return FIELDS.get(field, field.replace("_", " ").capitalize())


def readable(value) -> str:
    """A stored value as a person reads it: — for empty, Sí/No, dd/mm/aaaa, Bogotá times
    (lms.formatting)."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "Sí" if value else "No"
    if isinstance(value, list):
        return ", ".join(readable(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{field_label(k)}: {readable(v)}" for k, v in value.items())
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        return date_time(datetime.fromisoformat(value))
    if isinstance(value, str) and _ISO_DATE.match(value):
        return short_date(date.fromisoformat(value))
    if isinstance(value, str):
        return WORDS.get(value, value)
    return str(value)


def changes(entry_changes) -> list[tuple[str, str, str]]:
    """(field label, before, after) of an entry: a change per field, or a domain detail."""
    if not isinstance(entry_changes, dict):
        return [("Detalle", "—", readable(entry_changes))]
    rows = []
    for field, value in entry_changes.items():
        if isinstance(value, list) and len(value) == 2:
            rows.append((field_label(field), readable(value[0]), readable(value[1])))
        else:
            rows.append((field_label(field), "—", readable(value)))
    return rows
