"""Enrollments: a person in a cohort, with the consent and capacity rules in one place.

The web form, the API, the planilla import and walk-ins all enroll through here.
"""

from sqlalchemy import func, select

from lms.courses import hooks
from lms.courses.models import ENROLLMENT_STATUSES, Cohort, Enrollment
from lms.courses.rules import delete
from lms.errors import ValidationError
from lms.extensions import db
from lms.people.models import Person
from lms.people.services import has_valid_consent, register_person

#: Statuses an admin may set by hand; "completo" belongs to the completion rule.
MANUAL_STATUSES = ("inscrito", "en_curso", "retirado")


def find_enrollment(person: Person, cohort: Cohort) -> Enrollment | None:
    """Return the person's enrollment in the cohort, if any."""
    return db.session.scalar(
        select(Enrollment).where(
            Enrollment.person_id == person.id, Enrollment.cohort_id == cohort.id
        )
    )


def active_count(cohort: Cohort) -> int:
    """How many seats are taken (withdrawn people free their seat)."""
    return db.session.scalar(
        select(func.count(Enrollment.id)).where(
            Enrollment.cohort_id == cohort.id, Enrollment.status != "retirado"
        )
    )


def _check_consent(person: Person) -> None:
    if person.anonymized_at is not None:
        raise ValidationError("Esta persona fue anonimizada y no se puede inscribir.", "person")
    if not has_valid_consent(person):
        raise ValidationError(
            "La persona no tiene una autorización de tratamiento de datos vigente (Ley 1581); "
            "registre una nueva autorización en su ficha antes de inscribirla.",
            "consent",
        )


def enroll(person: Person, cohort: Cohort, *, enforce_capacity: bool = True) -> Enrollment:
    """Enroll a consenting person once in a cohort, refusing a full cohort when enforced."""
    db.session.flush()
    if find_enrollment(person, cohort) is not None:
        raise ValidationError(
            f"{person.full_name} ya está inscrita en el grupo {cohort.code}.", "person"
        )
    _check_consent(person)
    if enforce_capacity and active_count(cohort) >= cohort.capacity:
        raise ValidationError(
            f"El grupo {cohort.code} está lleno (cupo de {cohort.capacity} personas).", "cohort"
        )
    enrollment = Enrollment(person=person, cohort=cohort, status="inscrito")
    db.session.add(enrollment)
    db.session.flush()
    return enrollment


def get_or_enroll(person: Person, cohort: Cohort) -> tuple[Enrollment, bool]:
    """Return the existing enrollment or create one without a capacity check (imports)."""
    db.session.flush()
    existing = find_enrollment(person, cohort)
    if existing is not None:
        return existing, False
    return enroll(person, cohort, enforce_capacity=False), True


def set_status(enrollment: Enrollment, status: str) -> Enrollment:
    """Change the status by hand: inscrito, en curso or retirado."""
    if status not in MANUAL_STATUSES:
        allowed = ", ".join(ENROLLMENT_STATUSES[s] for s in MANUAL_STATUSES)
        raise ValidationError(f"Estado no válido: use {allowed}.", "status")
    enrollment.status = status
    db.session.flush()
    return enrollment


def register_and_enroll(cohort: Cohort, *, channel: str, **registration) -> Person:
    """Register a person (``people.services.register_person``) and enroll them in one go.

    A refused enrollment (a full cohort) also undoes the registration (a savepoint), so
    nobody is left registered by a form that said "register and enroll" and failed.
    """
    with db.session.begin_nested():
        person = register_person(channel=channel, **registration)
        enroll(person, cohort)
    return person


def delete_enrollment(enrollment: Enrollment) -> None:
    """Remove an enrollment made by mistake; refused once attendance or documents exist."""
    delete(enrollment, hooks.refusal(hooks.ENROLLMENT_GUARDS, enrollment), "enrollment")
