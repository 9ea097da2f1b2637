"""People: document normalization, validation and registration with provable consent.

These are the only functions that create people, so the web form, the API, the
planilla import and the self check-in all apply the same Ley 1581 rules.
"""

from datetime import date

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import select

from lms.database import unique
from lms.errors import ValidationError, warn
from lms.extensions import db
from lms.formatting import N_, label
from lms.people.consent import (  # noqa: F401 - part of this module's interface
    add_consent,
    check_consent,
    check_consentable,
    check_notice_shown,
    current_notice,
    has_valid_consent,
    is_minor,
    record_consent,
    revoke_consents,
    seed_reference_data,
)
from lms.people.documents import check_birth_date, normalize_document
from lms.people.models import SEXES, ZONES, Area, Person, PersonSensitive
from lms.text import fold
from lms.timeutil import local_today

ETHNIC_GROUPS = {
    "indigena": N_("Indígena"),
    "afrocolombiano": N_("Negro, afrocolombiano o afrodescendiente"),
    "raizal": N_("Raizal"),
    "palenquero": N_("Palenquero"),
    "rrom": N_("Rrom (gitano)"),
    "ninguno": N_("Ninguno"),
}
SENSITIVE_FLAGS = ("disability", "victim", "migrant")
#: One document, one person: the refusal of a second one, whichever check catches it.
DUPLICATE = N_("Ya existe una persona con ese documento.")
#: Longest value of each free-text person field (the forms show the same limits).
MAX_LENGTHS = {
    "first_names": 120,
    "last_names": 120,
    "gender_identity": 60,
    "phone": 30,
    "email": 254,
    "barrio": 120,
}


def find_person(document_type: str, number: str) -> Person | None:
    """Return the person holding this document (normalized first), or None."""
    doc_type, clean = normalize_document(document_type, number)
    return db.session.scalar(
        select(Person).where(Person.document_type == doc_type, Person.document_number == clean)
    )


def existing_person(document_type: str | None, number: str | None) -> Person | None:
    """The person holding a typed document, or None (also when the document is not valid)."""
    try:
        return find_person(document_type or "", number or "")
    except ValidationError:
        return None


def resolve_area(name: str | None) -> Area | None:
    """Find a comuna or corregimiento by name, ignoring case and accents."""
    if not name or not name.strip():
        return None
    wanted = fold(name)
    for area in db.session.scalars(select(Area)):
        if fold(area.name) == wanted:
            return area
    raise ValidationError(_(
        "Comuna o corregimiento desconocido: %(name)s.",
        name=name.strip(),
    ), "area")


def clean_person_data(data: dict, *, today: date | None = None, check_age: bool = True) -> dict:
    """Validate and tidy the person fields; raise ValidationError naming the first bad one.

    ``check_age``: hold the birth date against the document type (``check_birth_date``),
    warning (``errors.warn``) at the edges; a correction that changes neither skips it, as
    a TI holder registered at 17 is older now.
    """
    today = today or local_today()
    out: dict = {}
    for key, longest in MAX_LENGTHS.items():
        value = (data.get(key) or "").strip()
        if len(value) > longest:
            raise ValidationError(_("Máximo %(longest)s caracteres.", longest=longest), key)
        out[key] = value or None
    for key, missing in (("first_names", N_("Escriba los nombres.")),
                         ("last_names", N_("Escriba los apellidos."))):
        if not out[key]:
            raise ValidationError(label(missing), key)
    _check_email(out["email"])
    birth = data.get("birth_date")
    if birth is not None and not isinstance(birth, date):
        raise ValidationError(_("Fecha de nacimiento no válida."), "birth_date")
    if birth is not None and check_age:
        warning = check_birth_date(data.get("document_type"), birth, today)
        if warning:
            warn(warning)
    out["birth_date"] = birth
    sex = (data.get("sex") or "").strip().upper() or None
    if sex is not None and sex not in SEXES:
        raise ValidationError(_("Sexo no válido: use F, M o I."), "sex")
    out["sex"] = sex
    zone = (data.get("zone") or "").strip().lower() or None
    if zone is not None and zone not in ZONES:
        raise ValidationError(_("Zona no válida: use urbana o rural."), "zone")
    area = resolve_area(data.get("area"))
    if area is not None and zone is not None and area.zone != zone:
        raise ValidationError(_(
            "%(name)s no pertenece a la zona %(zone)s.",
            name=area.name,
            zone=zone,
        ), "area")
    out["zone"] = zone or (area.zone if area else None)
    out["area"] = area.name if area else None
    return out


def _check_email(email: str | None) -> None:
    # The same check WTForms' Email validator made on the forms, for every channel.
    if email is None:
        return
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError(_("Correo electrónico no válido."), "email") from None


def clean_sensitive(sensitive: dict | None) -> dict:
    """Keep only answered sensitive questions; an empty answer means 'prefiero no responder'."""
    out = {"ethnic_group": None, "disability": None, "victim": None, "migrant": None}
    if not sensitive:
        return out
    group = (sensitive.get("ethnic_group") or "").strip().lower() or None
    if group is not None and group not in ETHNIC_GROUPS:
        raise ValidationError(_("Grupo étnico no válido."), "ethnic_group")
    out["ethnic_group"] = group
    for key in SENSITIVE_FLAGS:
        value = sensitive.get(key)
        if isinstance(value, str):
            value = {"si": True, "sí": True, "no": False, "": None}.get(value.strip().lower(), "?")
        if value not in (True, False, None):
            raise ValidationError(_("Responda sí, no o prefiero no responder."), key)
        out[key] = value
    return out


def register_person(
    data: dict,
    *,
    channel: str,
    consent: bool,
    guardian_name: str | None = None,
    guardian_document: str | None = None,
    sensitive: dict | None = None,
    today: date | None = None,
    notice_version: str | None = None,
) -> Person:
    """Create a person with their consent recorded; refuse duplicates, no consent, lone minors.

    ``notice_version``: the privacy notice the form showed, when the channel shows one.
    """
    check_notice_shown(notice_version)
    doc_type, number = normalize_document(data.get("document_type"), data.get("document_number"))
    fields = clean_person_data(data, today=today)
    answers = clean_sensitive(sensitive)
    if find_person(doc_type, number) is not None:
        raise ValidationError(label(DUPLICATE), "document_number")
    person = Person(document_type=doc_type, document_number=number, **fields)
    # Check the consent before adding anything, so a refusal leaves the session clean.
    guardian = check_consent(person, channel, consent, guardian_name, guardian_document, today)
    with unique(label(DUPLICATE), "document_number"):
        db.session.add(person)
        add_consent(person, channel, *guardian)
        if any(v is not None for v in answers.values()):
            person.sensitive = PersonSensitive(**answers)
    return person


def update_person(person: Person, data: dict, *, sensitive: dict | None = None) -> Person:
    """Correct a person's data (right to rectify); the audit trail records the change."""
    if person.anonymized_at is not None:
        raise ValidationError(_("Esta persona fue anonimizada y no se puede editar."))
    doc_type, number = normalize_document(data.get("document_type"), data.get("document_number"))
    other = find_person(doc_type, number)
    if other is not None and other.id != person.id:
        raise ValidationError(label(DUPLICATE), "document_number")
    changed = (doc_type, data.get("birth_date")) != (person.document_type, person.birth_date)
    fields = clean_person_data(data, check_age=changed)
    answers = clean_sensitive(sensitive) if sensitive is not None else None
    with unique(label(DUPLICATE), "document_number"):
        person.document_type, person.document_number = doc_type, number
        for key, value in fields.items():
            setattr(person, key, value)
        if answers is not None:
            if person.sensitive is None and any(v is not None for v in answers.values()):
                person.sensitive = PersonSensitive()
            if person.sensitive is not None:
                for key, value in answers.items():
                    setattr(person.sensitive, key, value)
    return person
