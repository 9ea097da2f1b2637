"""API resource: people (see lms/api/__init__.py).

Thin views over the same services as the web pages. A trainer's token reaches only
the people of the cohorts assigned to them; analysts get 403.
"""

from flask import request
from flask_login import current_user
from sqlalchemy import select

from lms import policy
from lms.api.core import check_types
from lms.api.resource import Filter, Resource
from lms.api.serialize import BOOL, STR, Shape, array
from lms.courses.models import Enrollment
from lms.errors import ValidationError
from lms.formatting import N_, label
from lms.people import rights, search, services
from lms.people.forms import SENSITIVE_FIELDS, PersonForm, RegisterForm
from lms.people.models import DOCUMENT_TYPES, ZONES, Consent, Person
from lms.policy import Role

#: What GET /people answers to a ``q``: the search moved into a POST body (issue 9).
MOVED = N_("La búsqueda va en el cuerpo de POST /api/v1/people/search: un documento no viaja "
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


def _answers(form_class):
    """The payload check of ``form_class``: JSON types first, then the sensitive answers."""

    def prepare(payload: dict) -> dict:
        check_types(payload, form_class, tristate=SENSITIVE_FIELDS[1:])
        # The sensitive questions take true/false/null in JSON, "si"/"no"/"" on the form.
        for key in SENSITIVE_FIELDS[1:]:
            if key in payload:
                payload[key] = {True: "si", False: "no", None: ""}.get(payload[key],
                                                                       payload[key])
        return payload

    return prepare


def person_json(person: Person) -> dict:
    """A person as the API shows them; sensitive answers only to admins."""
    data = PERSON.dump(person)
    if current_user.is_admin:
        s = person.sensitive
        data["sensitive"] = {key: getattr(s, key) if s else None for key in SENSITIVE_FIELDS}
    return data


def _correct(person: Person, form) -> None:
    """Correct a person's data; fields left out keep their values, sensitive ones too."""
    sensitive = None
    if any(key in form.sent for key in SENSITIVE_FIELDS):
        current = person.sensitive
        sensitive = {key: getattr(current, key) if current else None for key in SENSITIVE_FIELDS}
        answers = form.sensitive_data()
        sensitive.update({key: answers[key] for key in SENSITIVE_FIELDS if key in form.sent})
    services.update_person(person, form.person_data(), sensitive=sensitive)


# A trainer's token reaches only the people of their cohorts (policy.people_seen).
people = Resource("people", Person, PERSON, tag="people", param="person_id", dump=person_json,
                  read=(Role.ADMIN, Role.TRAINER), write=(Role.ADMIN, Role.TRAINER),
                  can_read=policy.can_view_person)
def _listed():
    """People the token's user sees. ``?q=`` is refused: a document number must not travel
    in a URL (``POST /people/search``)."""
    if "q" in request.args:
        raise ValidationError(label(MOVED), "q")
    return search.search_query("").where(policy.people_seen(current_user))


def _enrolled_in(cohort_id: int):
    return Person.id.in_(select(Enrollment.person_id).where(Enrollment.cohort_id == cohort_id))


people.list("Listar personas con filtros no personales (buscar: POST /people/search)",
            _listed, operation="search",
            filters=(Filter("cohort_id", _enrolled_in, "Inscritas en este grupo."),
                     Filter("document_type", Person.document_type, "Tipo de documento.",
                            DOCUMENT_TYPES),
                     Filter("zone", Person.zone, "Zona.", ZONES)))
# Consent must be true; it is recorded with channel "api".
people.create("Registrar una persona con su autorización", RegisterForm,
              lambda form: services.register_person(channel="api", **form.registration()),
              prepare=_answers(RegisterForm))
people.read("Una persona")
people.update("Corregir los datos de una persona", PersonForm, _correct,
              prepare=_answers(PersonForm), roles=(Role.ADMIN,))
# Delete = anonymise: the identity goes, enrollments and counts stay (Ley 1581).
people.delete("Anonimizar una persona (se conservan las cifras)", rights.anonymize_person,
              answers=True, roles=(Role.ADMIN,))
