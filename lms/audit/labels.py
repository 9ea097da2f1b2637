"""The trail in the auditor's words: Spanish names for actions, entities (tables) and fields,
and stored values written as people read them (dates as dd/mm/aaaa, times in Bogotá)."""

import re
from datetime import date, datetime

from flask_babel import gettext as _

from lms.formatting import EMPTY, N_, date_time, label, short_date
from lms.text import fold

#: Table → (name in URLs and filters, label). The URL name is what ``?entidad=`` takes.
ENTITIES = {
    "people": ("personas", N_("Persona")),
    "people_sensitive": ("datos-sensibles", N_("Datos sensibles")),
    "consents": ("autorizaciones", N_("Autorización de datos")),
    "privacy_notices": ("avisos", N_("Aviso de privacidad")),
    "areas": ("comunas", N_("Comuna o corregimiento")),
    "sites": ("sedes", N_("Sede")),
    "courses": ("cursos", N_("Curso")),
    "plan_indicators": ("indicadores", N_("Indicador")),
    "cohorts": ("grupos", N_("Grupo")),
    "sessions": ("sesiones", N_("Sesión")),
    "enrollments": ("inscripciones", N_("Inscripción")),
    "attendance": ("asistencia", N_("Asistencia")),
    "certificates": ("certificados", N_("Certificado o constancia")),
    "users": ("usuarios", N_("Usuario")),
    "api_tokens": ("tokens", N_("Token de API")),
    "lti_platforms": ("plataformas-lms", N_("Plataforma LMS")),
    "lti_deployments": ("despliegues-lms", N_("Despliegue LMS")),
    "lti_contexts": ("cursos-lms", N_("Curso en el LMS")),
    "lti_accounts": ("cuentas-lms", N_("Cuenta del LMS")),
}
#: Stored action → label.
ACTIONS = {
    "create": N_("Creación"), "update": N_("Modificación"), "delete": N_("Eliminación"),
    "merge": N_("Fusión de personas"), "unmerge": N_("Fusión deshecha"),
    "anonymize": N_("Anonimización"), "export": N_("Exportación de datos"),
    "revoke": N_("Revocación"), "supersede": N_("Reemplazo"),
    "enroll_after_end": N_("Inscripción tras el fin del grupo"),
    "lti_launch": N_("Ingreso desde el LMS"), "lti_link": N_("Vínculo con el LMS"),
    "lti_deep_link": N_("Enlace profundo del LMS"), "lti_grade": N_("Nota enviada al LMS"),
    "lti_grade_failed": N_("Nota no enviada al LMS"), "lti_roster": N_("Lista del LMS"),
}
#: Column (or detail key) → label; one name means the same everywhere.
FIELDS = {
    "active": N_("Activo"),
    "address": N_("Dirección"),
    "anonymized_at": N_("Anonimizada el"),
    "approved": N_("Aprobada"),
    "area": N_("Comuna o corregimiento"),
    "auto_issue": N_("Emisión automática"),
    "barrio": N_("Barrio"),
    "birth_date": N_("Fecha de nacimiento"),
    "capacity": N_("Capacidad"),
    "channel": N_("Canal"),
    "code": N_("Código"),
    "cohort_id": N_("Grupo"),
    "completed_on": N_("Completó el"),
    "completion_conflict": N_("Conflicto de finalización"),
    "course_code": N_("Código del curso"),
    "course_id": N_("Curso"),
    "course_name": N_("Curso"),
    "created_at": N_("Creado el"),
    "date": N_("Fecha"),
    "description": N_("Descripción"),
    "disability": N_("Discapacidad"),
    "document_kind": N_("Tipo de documento emitido"),
    "document_number": N_("Número de documento"),
    "document_type": N_("Tipo de documento"),
    "email": N_("Correo"),
    "end_date": N_("Fecha de fin"),
    "enrolled_at": N_("Inscrito el"),
    "enrolled_by_id": N_("Inscrito por"),
    "enrollment_id": N_("Inscripción"),
    "ethnic_group": N_("Grupo étnico"),
    "first_names": N_("Nombres"),
    "gender_identity": N_("Identidad de género"),
    "goal": N_("Meta"),
    "granted_at": N_("Autorizado el"),
    "grants_document": N_("Otorga documento"),
    "guardian_document": N_("Documento del acudiente"),
    "guardian_name": N_("Nombre del acudiente"),
    "holder_name": N_("Titular"),
    "hours": N_("Horas"),
    "hours_credited": N_("Horas acreditadas"),
    "issued_at": N_("Emitido el"),
    "issued_by_id": N_("Emitido por"),
    "kind": N_("Tipo"),
    "last_names": N_("Apellidos"),
    "marked_at": N_("Marcado el"),
    "marked_by_id": N_("Marcado por"),
    "migrant": N_("Migrante"),
    "min_attendance_pct": N_("Asistencia mínima (%)"),
    "modality": N_("Modalidad"),
    "name": N_("Nombre"),
    "notice_id": N_("Aviso de privacidad"),
    "one_document_per_product": N_("Un documento por producto"),
    "period_end": N_("Fin del periodo"),
    "period_start": N_("Inicio del periodo"),
    "person_id": N_("Persona"),
    "phone": N_("Teléfono"),
    "product_code": N_("Código del producto"),
    "product_name": N_("Producto"),
    "published_at": N_("Publicado el"),
    "recorded_by_id": N_("Registrado por"),
    "revoked_at": N_("Revocado el"),
    "revoked_reason": N_("Motivo de revocación"),
    "role": N_("Rol"),
    "rule": N_("Regla de conteo"),
    "session_id": N_("Sesión"),
    "sex": N_("Sexo"),
    "signer_id": N_("Firmante"),
    "site_id": N_("Sede"),
    "site_name": N_("Sede"),
    "source": N_("Origen"),
    "start_date": N_("Fecha de inicio"),
    "start_time": N_("Hora de inicio"),
    "status": N_("Estado"),
    "superseded_by_id": N_("Reemplazado por"),
    "text": N_("Texto"),
    "title": N_("Título"),
    "topic": N_("Tema"),
    "trainer_ids": N_("Formadores"),
    "trainer_name": N_("Formador"),
    "user_id": N_("Usuario"),
    "version": N_("Versión"),
    "victim": N_("Víctima"),
    "zone": N_("Zona"),
    "prefix": N_("Prefijo"),
    "platform_id": N_("Plataforma"),
    "issuer": N_("Emisor"),
    "client_id": N_("Id de cliente"),
    "deployment_id": N_("Despliegue"),
    "context_id": N_("Contexto"),
    "sha256": N_("Huella SHA-256"),
    "kid": N_("Clave de firma"),
    "subject_id": N_("Sujeto"),
    "status_index": N_("Posición en la lista de estado"),
    "id": N_("Id"),
    "retired": N_("Retirados"),
}
#: Words a stored value may be, in Spanish (roles, sources, zones, rules…).
WORDS = {
    "admin": N_("Administrador"), "trainer": N_("Formador"), "analyst": N_("Analista"),
    "completed": N_("Completó"), "certified": N_("Certificado vigente"), "form": N_("Formulario"),
    "web": N_("Web"), "api": N_("API"), "planilla": N_("Planilla"), "qr": N_("QR"),
    "offline": N_("Sin conexión"),
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
    """The entity's label in the reader's language (unknown tables keep their name)."""
    return label(ENTITIES.get(table, (table, table))[1])


def action_label(action: str) -> str:
    """The action's label in the reader's language."""
    return label(ACTIONS.get(action, action.replace("_", " ").capitalize()))


def field_label(field: str) -> str:
    """The field's label in the reader's language."""
    return label(FIELDS.get(field, field.replace("_", " ").capitalize()))


def readable(value) -> str:
    """A stored value as a person reads it: — for empty, Sí/No, dd/mm/aaaa, Bogotá times
    (lms.formatting)."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return _("Sí") if value else _("No")
    if isinstance(value, list):
        return ", ".join(readable(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{field_label(k)}: {readable(v)}" for k, v in value.items())
    if isinstance(value, str) and _ISO_MOMENT.match(value):
        return date_time(datetime.fromisoformat(value))
    if isinstance(value, str) and _ISO_DATE.match(value):
        return short_date(date.fromisoformat(value))
    if isinstance(value, str):
        return label(WORDS[value]) if value in WORDS else value
    return str(value)


def changes(entry_changes) -> list[tuple[str, str, str]]:
    """(field label, before, after) of an entry: a change per field, or a domain detail."""
    if not isinstance(entry_changes, dict):
        return [(_("Detalle"), EMPTY, readable(entry_changes))]
    rows = []
    for field, value in entry_changes.items():
        if isinstance(value, list) and len(value) == 2:
            rows.append((field_label(field), readable(value[0]), readable(value[1])))
        else:
            rows.append((field_label(field), "—", readable(value)))
    return rows
