"""API resources: people and enrollments (see lms/api/__init__.py).

Thin views over the same services as the web pages. A trainer's token reaches only
the people and enrollments of the cohorts assigned to them; analysts get 403.
"""

from flask import abort, jsonify, request
from flask_login import current_user
from sqlalchemy import select
from wtforms import fields as wtf

from lms.api import bp
from lms.api.core import json_body, page_args, require_role, validated
from lms.api.openapi import doc
from lms.courses import enrollments as enrollment_services
from lms.courses.models import Enrollment
from lms.errors import ValidationError
from lms.extensions import db
from lms.people import rights, search, services
from lms.people.forms import (
    SENSITIVE_FIELDS,
    PersonForm,
    RegisterForm,
)
from lms.people.models import Person

PERSON = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "document_type": {"type": "string"},
        "document_number": {"type": "string"},
        "first_names": {"type": "string"},
        "last_names": {"type": "string"},
        "birth_date": {"type": "string", "format": "date", "nullable": True},
        "sex": {"type": "string", "nullable": True},
        "zone": {"type": "string", "nullable": True},
        "area": {"type": "string", "nullable": True},
        "consents": {"type": "array", "items": {"type": "object"}},
        "anonymized": {"type": "boolean"},
    },
}
ENROLLMENT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "person_id": {"type": "integer"},
        "cohort_id": {"type": "integer"},
        "cohort_code": {"type": "string"},
        "course_code": {"type": "string"},
        "status": {"type": "string"},
        "hours_credited": {"type": "number"},
        "required_hours": {"type": "number"},
        "completed": {"type": "boolean"},
        "completed_on": {"type": "string", "format": "date", "nullable": True},
    },
}


def page_body(items: list, total: int, page: int, per_page: int) -> dict:
    """A page of results with its position."""
    return {"items": items, "page": page, "per_page": per_page, "total": total}


def list_of(schema: dict) -> dict:
    """OpenAPI schema of a page of ``schema`` items."""
    return {"type": "object", "properties": {"items": {"type": "array", "items": schema}}}


def check_types(payload: dict, form_class) -> None:
    """Refuse wrong JSON types up front: WTForms would read any text as a boolean."""
    form = form_class(meta={"csrf": False})
    errors = {}
    for name, value in payload.items():
        field = form._fields.get(name)
        if field is None or value is None:
            continue
        if isinstance(field, wtf.BooleanField):
            ok, message = isinstance(value, bool), "Debe ser true o false."
        elif isinstance(field, wtf.IntegerField):
            ok = isinstance(value, int) and not isinstance(value, bool)
            message = "Debe ser un número entero."
        elif name in SENSITIVE_FIELDS[1:]:
            ok, message = isinstance(value, bool | str), "Debe ser true, false o null."
        elif isinstance(field, wtf.DateField):
            ok, message = isinstance(value, str), "Debe ser una fecha AAAA-MM-DD."
        else:
            ok = isinstance(value, str | int) and not isinstance(value, bool)
            message = "Debe ser un texto."
        if not ok:
            errors[name] = [message]
    if errors:
        raise ValidationError(next(iter(errors.values()))[0], fields=errors)


def _person_payload(form_class) -> dict:
    payload = json_body()
    check_types(payload, form_class)
    # The sensitive questions take true/false/null in JSON, "si"/"no"/"" on the form.
    for key in SENSITIVE_FIELDS[1:]:
        if key in payload:
            payload[key] = {True: "si", False: "no", None: ""}.get(payload[key], payload[key])
    return payload


def person_json(person: Person) -> dict:
    """A person as the API shows them; sensitive answers only to admins."""
    data = {
        key: getattr(person, key)
        for key in (
            "id",
            "document_type",
            "document_number",
            "first_names",
            "last_names",
            "sex",
            "gender_identity",
            "phone",
            "email",
            "zone",
            "area",
            "barrio",
        )
    }
    data["birth_date"] = person.birth_date.isoformat() if person.birth_date else None
    data["anonymized"] = person.anonymized_at is not None
    data["consents"] = [
        {
            "notice_version": c.notice.version,
            "granted_at": c.granted_at.isoformat(),
            "channel": c.channel,
            "recorded_by_id": c.recorded_by_id,
            "guardian_name": c.guardian_name,
            "guardian_document": c.guardian_document,
            "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
        }
        for c in person.consents
    ]
    if current_user.is_admin:
        s = person.sensitive
        data["sensitive"] = {key: getattr(s, key) if s else None for key in SENSITIVE_FIELDS}
    return data


def enrollment_json(e: Enrollment) -> dict:
    """An enrollment with the hours its attendance earned and its completion."""
    return {
        "id": e.id,
        "person_id": e.person_id,
        "cohort_id": e.cohort_id,
        "cohort_code": e.cohort.code,
        "course_code": e.cohort.course.code,
        "status": e.status,
        "enrolled_at": e.enrolled_at.isoformat(),
        "hours_credited": float(e.hours_credited or 0),
        "required_hours": float(e.cohort.course.required_hours),
        "completed": e.completed_on is not None,
        "completed_on": e.completed_on.isoformat() if e.completed_on else None,
        "completion_conflict": e.completion_conflict,
    }


def _load_person(person_id: int) -> Person:
    require_role("admin", "trainer")
    person = db.get_or_404(Person, person_id)
    if not enrollment_services.can_view_person(current_user, person):
        abort(403)
    return person


@bp.route("/people", methods=["GET"])
@doc("Buscar personas (?q= documento o nombre)", response=list_of(PERSON), tags=("people",))
def people_search():
    """Search people; a trainer only sees the people of their cohorts."""
    require_role("admin", "trainer")
    page, per_page = page_args()
    query = search.search_query(request.args.get("q"))
    if not current_user.is_admin:
        cohorts = enrollment_services.trainer_cohort_ids(current_user)
        query = query.where(
            Person.id.in_(select(Enrollment.person_id).where(Enrollment.cohort_id.in_(cohorts)))
        )
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    return jsonify(page_body([person_json(p) for p in result.items], result.total, page, per_page))


@bp.route("/people", methods=["POST"])
@doc(
    "Registrar una persona con su autorización",
    body=RegisterForm,
    response=PERSON,
    status=201,
    tags=("people",),
)
def people_create():
    """Register a person; consent must be true and is recorded with channel "api"."""
    require_role("admin", "trainer")
    form = validated(RegisterForm, _person_payload(RegisterForm))
    person = services.register_person(
        form.person_data(),
        channel="api",
        consent=form.consent.data,
        guardian_name=form.guardian_name.data,
        guardian_document=form.guardian_document.data,
        sensitive=form.sensitive_data(),
    )
    db.session.commit()
    return jsonify(person_json(person)), 201


@bp.route("/people/<int:person_id>", methods=["GET"])
@doc("Una persona", response=PERSON, tags=("people",))
def people_get(person_id: int):
    """One person, with their consents."""
    return jsonify(person_json(_load_person(person_id)))


@bp.route("/people/<int:person_id>", methods=["PATCH"])
@doc("Corregir los datos de una persona", body=PersonForm, response=PERSON, tags=("people",))
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
    db.session.commit()
    return jsonify(person_json(person))


@bp.route("/people/<int:person_id>", methods=["DELETE"])
@doc("Anonimizar una persona (se conservan las cifras)", response=PERSON, tags=("people",))
def people_delete(person_id: int):
    """Delete = anonymise: the identity goes, enrollments and counts stay (Ley 1581)."""
    require_role("admin")
    person = db.get_or_404(Person, person_id)
    rights.anonymize_person(person)
    db.session.commit()
    return jsonify(person_json(person))


from lms.api import enrollments as _enrollments  # noqa: E402, F401 - the sibling resource
