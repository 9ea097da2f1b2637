"""API resources: people and enrollments (see lms/api/__init__.py).

Thin views over the same services as the web pages. A trainer's token reaches only
the people and enrollments of the cohorts assigned to them; analysts get 403.
"""

from flask import abort, jsonify, request
from flask_login import current_user
from sqlalchemy import select

from lms import policy
from lms.api import bp
from lms.api.conventions import int_arg, paginated
from lms.api.core import check_types, json_body, require_role, validated, with_warnings
from lms.api.openapi import doc, query
from lms.api.serialize import BOOL, STR, Shape, array, page_schema
from lms.courses.models import Enrollment
from lms.errors import ValidationError
from lms.extensions import db
from lms.people import rights, search, services
from lms.people.forms import SENSITIVE_FIELDS, PersonForm, RegisterForm
from lms.people.models import DOCUMENT_TYPES, ZONES, Consent, Person

#: What GET /people answers to a ``q``: the search moved into a POST body (issue 9).
MOVED = ("La búsqueda va en el cuerpo de POST /api/v1/people/search: un documento no viaja "
         "en la URL.")
CONSENT = Shape(
    Consent,
    "granted_at channel recorded_by_id guardian_name guardian_document revoked_at",
    notice_version=(STR, lambda c: c.notice.version),
)
PERSON = Shape(
    Person,
    "id document_type document_number first_names last_names birth_date sex gender_identity"
    " phone email zone area barrio",
    anonymized=(BOOL, lambda p: p.anonymized_at is not None),
    consents=(array(CONSENT.schema), lambda p: [CONSENT.dump(c) for c in p.consents]),
)


def _person_payload(form_class) -> dict:
    payload = json_body()
    check_types(payload, form_class, tristate=SENSITIVE_FIELDS[1:])
    # The sensitive questions take true/false/null in JSON, "si"/"no"/"" on the form.
    for key in SENSITIVE_FIELDS[1:]:
        if key in payload:
            payload[key] = {True: "si", False: "no", None: ""}.get(payload[key], payload[key])
    return payload


def person_json(person: Person) -> dict:
    """A person as the API shows them; sensitive answers only to admins."""
    data = PERSON.dump(person)
    if current_user.is_admin:
        s = person.sensitive
        data["sensitive"] = {key: getattr(s, key) if s else None for key in SENSITIVE_FIELDS}
    return data


def _load_person(person_id: int) -> Person:
    require_role("admin", "trainer")
    person = db.get_or_404(Person, person_id)
    if not policy.can_view_person(current_user, person):
        abort(403)
    return person


@bp.route("/people", methods=["GET"])
@doc(
    "Listar personas con filtros no personales (buscar: POST /people/search)",
    response=page_schema(PERSON.schema),
    tags=("people",),
    params=(
        query("cohort_id", description="Inscritas en este grupo."),
        query("document_type", {"type": "string", "enum": list(DOCUMENT_TYPES)},
              "Tipo de documento."),
        query("zone", {"type": "string", "enum": list(ZONES)}, "Zona."),
    ),
)
def people_search():
    """List people; a trainer only sees the people of their cohorts. ``?q=`` is refused:
    a document number must not travel in a URL (``POST /people/search``)."""
    require_role("admin", "trainer")
    if "q" in request.args:
        raise ValidationError(MOVED, "q")
    query = search.search_query("").where(policy.people_seen(current_user))
    cohort_id = int_arg("cohort_id")
    if cohort_id is not None:
        query = query.where(Person.id.in_(
            select(Enrollment.person_id).where(Enrollment.cohort_id == cohort_id)))
    for name, values in (("document_type", DOCUMENT_TYPES), ("zone", ZONES)):
        value = request.args.get(name)
        if value is not None and value not in values:
            raise ValidationError(f"Elija uno de: {', '.join(values)}.", name)
        if value is not None:
            query = query.where(getattr(Person, name) == value)
    return jsonify(paginated(query, person_json))


@bp.route("/people", methods=["POST"])
@doc(
    "Registrar una persona con su autorización",
    body=RegisterForm,
    response=PERSON.schema,
    status=201,
    tags=("people",),
)
def people_create():
    """Register a person; consent must be true and is recorded with channel "api"."""
    require_role("admin", "trainer")
    form = validated(RegisterForm, _person_payload(RegisterForm))
    person = services.register_person(channel="api", **form.registration())
    return jsonify(with_warnings(person_json(person))), 201


@bp.route("/people/<int:person_id>", methods=["GET"])
@doc("Una persona", response=PERSON.schema, tags=("people",))
def people_get(person_id: int):
    """One person, with their consents."""
    return jsonify(person_json(_load_person(person_id)))


@bp.route("/people/<int:person_id>", methods=["PATCH"])
@doc("Corregir los datos de una persona", body=PersonForm, response=PERSON.schema, tags=("people",))
def people_update(person_id: int):
    """Correct a person's data (admin); fields left out keep their values."""
    require_role("admin")
    person = db.get_or_404(Person, person_id)
    payload = _person_payload(PersonForm)
    form = validated(PersonForm, payload, obj=person)
    sensitive = None
    if any(key in payload for key in SENSITIVE_FIELDS):
        current = person.sensitive
        sensitive = {key: getattr(current, key) if current else None for key in SENSITIVE_FIELDS}
        answers = form.sensitive_data()
        sensitive.update({key: answers[key] for key in SENSITIVE_FIELDS if key in payload})
    services.update_person(person, form.person_data(), sensitive=sensitive)
    return jsonify(with_warnings(person_json(person)))


@bp.route("/people/<int:person_id>", methods=["DELETE"])
@doc("Anonimizar una persona (se conservan las cifras)", response=PERSON.schema, tags=("people",))
def people_delete(person_id: int):
    """Delete = anonymise: the identity goes, enrollments and counts stay (Ley 1581)."""
    require_role("admin")
    person = db.get_or_404(Person, person_id)
    rights.anonymize_person(person)
    return jsonify(person_json(person))


from lms.api import enrollments as _enrollments  # noqa: E402, F401 - the sibling resource
