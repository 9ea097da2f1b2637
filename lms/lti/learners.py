"""A learner's view of their own record: matching the LMS account to a person, and their
attendance, hours, progress and documents."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from lms.attendance.models import Attendance
from lms.audit.services import record
from lms.certificates.public import portal_lookup
from lms.courses.models import CourseSession, Enrollment
from lms.errors import ValidationError
from lms.extensions import db
from lms.formatting import N_, label
from lms.lti.grades import attendance_pct, queue_for
from lms.lti.models import Account
from lms.people.documents import normalize_document
from lms.people.models import Person
from lms.people.services import DUPLICATE, register_person

#: Custom claim keys an LMS may send (Moodle/Canvas custom parameters).
DOCUMENT_TYPE_KEYS = ("document_type", "tipo_documento")
DOCUMENT_NUMBER_KEYS = ("document_number", "numero_documento")
NOT_FOUND = N_("No encontramos un registro con esos datos. Revise el tipo y número de documento "
             "y la fecha de nacimiento, o acérquese a la Oficina TIC.")


def _person_by_document(document_type: str, number: str) -> Person | None:
    try:
        document_type, number = normalize_document(document_type, number)
    except ValidationError:
        return None
    return db.session.scalar(select(Person).where(
        Person.document_type == document_type, Person.document_number == number,
        Person.anonymized_at.is_(None)))


def match_by_claim(account: Account, custom: dict) -> bool:
    """Link the account to the person the LMS's custom claim names, if there is one."""
    if account.person_id or not isinstance(custom, dict):
        return bool(account.person_id)
    kind = next((str(custom[k]) for k in DOCUMENT_TYPE_KEYS if custom.get(k)), "")
    number = next((str(custom[k]) for k in DOCUMENT_NUMBER_KEYS if custom.get(k)), "")
    person = _person_by_document(kind, number) if kind and number else None
    if person is not None:
        _link(account, person, "claim")
    return person is not None


def match_by_document(account: Account, document_type: str, number: str,
                      birth_date: date) -> Person:
    """Link the account once, by document and birth date; the same answer for any miss."""
    person = _person_by_document(document_type, number)
    if person is None or person.birth_date != birth_date:
        raise ValidationError(_(NOT_FOUND))
    _link(account, person, "document")
    return person


def register_self(account: Account, registration: dict) -> Person:
    """Register the learner (the registration form's rules and consent) and link them."""
    try:
        person = register_person(channel="form", **registration)
    except ValidationError as exc:
        if exc.message == label(DUPLICATE):
            raise ValidationError(_(
                "Ese documento ya está registrado: identifíquese con su fecha de nacimiento.",
            ), field="document_number") from exc
        raise
    db.session.flush()
    _link(account, person, "registration")
    return person


def _link(account: Account, person: Person, how: str) -> None:
    account.person_id = person.id
    db.session.flush()
    record("lti_link", account, {"person_id": person.id, "by": how})
    queue_for(list(db.session.scalars(select(Enrollment.id).where(
        Enrollment.person_id == person.id))))


@dataclass
class Progress:
    """One enrollment as its learner sees it."""

    enrollment: Enrollment
    required: Decimal
    pct: Decimal
    marks: list[tuple[CourseSession, str | None]]


def progress(person: Person, first_cohort_id: int | None) -> list[Progress]:
    """The person's enrollments (the LMS course's cohort first), with attendance per session."""
    enrollments = db.session.scalars(select(Enrollment).where(
        Enrollment.person_id == person.id).order_by(Enrollment.id.desc())).all()
    enrollments = sorted(enrollments, key=lambda e: e.cohort_id != first_cohort_id)
    out = []
    for enrollment in enrollments:
        rows = db.session.execute(
            select(CourseSession, Attendance.status)
            .outerjoin(Attendance, (Attendance.session_id == CourseSession.id)
                       & (Attendance.enrollment_id == enrollment.id))
            .where(CourseSession.cohort_id == enrollment.cohort_id)
            .order_by(CourseSession.date)).all()
        out.append(Progress(enrollment, enrollment.cohort.course.required_hours,
                            attendance_pct(enrollment), [(s, status) for s, status in rows]))
    return out


def documents(person: Person) -> list[tuple]:
    """The person's documents with fresh download links (the citizen portal's rule)."""
    if person.birth_date is None:
        return []
    return portal_lookup(person.document_type, person.document_number, person.birth_date)
