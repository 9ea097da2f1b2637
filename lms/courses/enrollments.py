"""Enrollments: a person in a cohort, with the consent, capacity and dates rules in one place.

The web form, the API, the planilla import and walk-ins all enroll through here: a cohort
that the enroll form calls full is full for every channel, and a cohort that has ended
takes a new person only with a reason (admins; the views ask for it), kept in the audit.
"""

from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from lms.audit.services import current_actor_id, record
from lms.courses import hooks
from lms.courses.models import ENROLLMENT_STATUSES, Cohort, Enrollment
from lms.courses.rules import delete
from lms.errors import ValidationError, warn
from lms.extensions import db
from lms.formatting import short_date
from lms.people.models import Person
from lms.people.services import has_valid_consent, register_person
from lms.timeutil import local_today

#: Statuses an admin may set by hand; "completo" belongs to the completion rule.
MANUAL_STATUSES = ("inscrito", "en_curso", "retirado")
#: Longest reason for enrolling into an ended cohort.
MAX_REASON = 300


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


def check_seats(cohort: Cohort, adding: int = 1) -> None:
    """Refuse when ``adding`` more people would overfill the cohort: the one capacity check.

    The cohort's row is locked first (PostgreSQL; SQLite writers queue anyway), so two
    requests cannot both take the last seat.
    """
    db.session.flush()
    db.session.execute(select(Cohort.id).where(Cohort.id == cohort.id).with_for_update())
    if active_count(cohort) + adding > cohort.capacity:
        raise ValidationError(full_message(cohort), "cohort")


def full_message(cohort: Cohort) -> str:
    """The refusal of a full cohort, its cupo agreeing with its number (1 persona)."""
    return ngettext("El grupo %(code)s está lleno (cupo de %(num)d persona).",
                    "El grupo %(code)s está lleno (cupo de %(num)d personas).",
                    cohort.capacity, code=cohort.code)


def has_seats(cohort: Cohort, adding: int) -> bool:
    """Whether ``adding`` more people fit in the cohort (``check_seats`` without refusing)."""
    try:
        check_seats(cohort, adding)
    except ValidationError:
        return False
    return True


def make_room(cohort: Cohort, adding: int) -> None:
    """Raise the cupo so ``adding`` more people fit: for a cohort a planilla itself creates,
    whose size is the sheet's (any other cohort keeps its cupo)."""
    cohort.capacity = max(cohort.capacity, active_count(cohort) + adding)
    db.session.flush()


def check_open(cohort: Cohort, on: date, reason: str | None) -> str | None:
    """The reason needed to enroll on day ``on`` into a cohort that ended before it (or None)."""
    if cohort.end_date >= on:
        return None
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _(
                "El grupo %(code)s terminó el %(end_date)s: solo un administrador puede inscribir "
                "en él, escribiendo el motivo.",
                code=cohort.code,
                end_date=short_date(cohort.end_date),
            ),
            "reason",
        )
    if len(reason) > MAX_REASON:
        raise ValidationError(_(
            "El motivo admite máximo %(max_reason)s caracteres.",
            max_reason=MAX_REASON,
        ), "reason")
    return reason


def _check_consent(person: Person) -> None:
    if person.anonymized_at is not None:
        raise ValidationError(_("Esta persona fue anonimizada y no se puede inscribir."), "person")
    if not has_valid_consent(person):
        raise ValidationError(
            _(
                "La persona no tiene una autorización de tratamiento de datos vigente (Ley 1581); "
                "registre una nueva autorización en su ficha antes de inscribirla.",
            ),
            "consent",
        )


def enroll(
    person: Person, cohort: Cohort, *, on: date | None = None, reason: str | None = None
) -> Enrollment:
    """Enroll a consenting person once in a cohort with a free seat.

    ``on``: the day the person joins (today; a planilla's session day). A cohort that ended
    before it needs ``reason`` (only admin pages and API calls pass one), recorded in the
    audit trail. Other domains' warnings (``hooks.warns_enrollment``: a valid certificate
    of the course already held) reach the user through ``errors.warn``.
    """
    db.session.flush()
    if find_enrollment(person, cohort) is not None:
        raise ValidationError(
            _("%(name)s ya tiene una inscripción en el grupo %(code)s.", name=person.full_name,
              code=cohort.code), "person"
        )
    _check_consent(person)
    late = check_open(cohort, on or local_today(), reason)
    check_seats(cohort)
    enrollment = Enrollment(
        person=person, cohort=cohort, status="inscrito", enrolled_by_id=current_actor_id()
    )
    db.session.add(enrollment)
    db.session.flush()
    if late:
        record("enroll_after_end", enrollment,
               {"reason": late, "cohort_end": cohort.end_date.isoformat()})
    for message in hooks.warnings(hooks.ENROLLMENT_WARNINGS, person, cohort):
        warn(message)
    return enrollment


def get_or_enroll(person: Person, cohort: Cohort, *, on: date | None = None):
    """Return (the existing enrollment, False), or enroll the person: (enrollment, True)."""
    db.session.flush()
    existing = find_enrollment(person, cohort)
    if existing is not None:
        return existing, False
    return enroll(person, cohort, on=on), True


def set_status(enrollment: Enrollment, status: str) -> Enrollment:
    """Change the status by hand: inscrito, en curso or retirado."""
    if status not in MANUAL_STATUSES:
        allowed = ", ".join(ENROLLMENT_STATUSES[s] for s in MANUAL_STATUSES)
        raise ValidationError(_("Estado no válido: use %(allowed)s.", allowed=allowed), "status")
    enrollment.status = status
    db.session.flush()
    return enrollment


def register_and_enroll(
    cohort: Cohort, *, channel: str, reason: str | None = None, **registration
) -> Person:
    """Register a person (``people.services.register_person``) and enroll them in one go.

    A refused enrollment (a full cohort) also undoes the registration (a savepoint), so
    nobody is left registered by a form that said "register and enroll" and failed.
    """
    with db.session.begin_nested():
        person = register_person(channel=channel, **registration)
        enroll(person, cohort, reason=reason)
    return person


@hooks.guards_enrollment
def made_by_a_trainer(enrollment: Enrollment) -> str | None:
    """A trainer's enrollment is withdrawn, never deleted: it is the trace of who saw whom."""
    if enrollment.enrolled_by is not None and enrollment.enrolled_by.is_trainer:
        return (
            "No se puede eliminar: la inscripción la hizo un formador. "
            "Cambie su estado a Retirado."
        )
    return None


def delete_enrollment(enrollment: Enrollment) -> None:
    """Remove an enrollment made by mistake; refused once attendance or documents exist."""
    delete(enrollment, hooks.refusal(hooks.ENROLLMENT_GUARDS, enrollment), "enrollment")
