"""The roster of a session and walk-ins, with a constant number of queries."""

from dataclasses import dataclass
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import and_, select

from lms import log
from lms.attendance.checkin import close_request, reject_request
from lms.attendance.marks import Mark, record_marks
from lms.attendance.models import STATUSES, Attendance, CheckinRequest
from lms.courses.enrollments import get_or_enroll
from lms.courses.models import CourseSession, Enrollment
from lms.errors import ValidationError
from lms.extensions import db
from lms.people.documents import compact_document, could_be_document
from lms.people.models import Person, full_name
from lms.people.services import find_person, normalize_document, register_person
from lms.text import fold

#: Fields a walk-in must fill when the person is not registered yet.
NEW_PERSON_FIELDS = ("first_names", "last_names", "birth_date", "sex", "zone")


@dataclass
class RosterRow:
    """One enrolled person and their mark at the session, if any."""

    enrollment: Enrollment
    mark: Attendance | None

    @property
    def person(self) -> Person:
        """The participant."""
        return self.enrollment.person


def roster(session: CourseSession) -> list[RosterRow]:
    """Enrolled people of the session's cohort with their marks: two queries in all."""
    enrollments = db.session.scalars(
        select(Enrollment)
        .join(Person, Person.id == Enrollment.person_id)
        .where(Enrollment.cohort_id == session.cohort_id, Enrollment.status != "retirado")
        .order_by(Person.last_names, Person.first_names, Person.id)
    ).all()
    marks = {
        a.enrollment_id: a
        for a in db.session.scalars(select(Attendance).where(Attendance.session_id == session.id))
    }
    return [RosterRow(e, marks.get(e.id)) for e in enrollments]


class Line(NamedTuple):
    """One person on the roster page as plain values: a 1,000-person page loads no ORM
    objects (their loading was a third of the page's time)."""

    enrollment_id: int
    name: str
    document_type: str
    document_number: str
    status: str | None
    note: str | None


def lines(session: CourseSession) -> list[Line]:
    """The roster page's rows (roster()'s people, order and marks) in one SELECT of the
    columns the page shows."""
    found = db.session.execute(
        select(Enrollment.id, Person.first_names, Person.last_names, Person.document_type,
               Person.document_number, Attendance.status, Attendance.note)
        .join(Person, Person.id == Enrollment.person_id)
        .outerjoin(Attendance, and_(Attendance.session_id == session.id,
                                    Attendance.enrollment_id == Enrollment.id))
        .where(Enrollment.cohort_id == session.cohort_id, Enrollment.status != "retirado")
        .order_by(Person.last_names, Person.first_names, Person.id)
    )
    return [Line(e, full_name(first, last), dt, dn, status, note)
            for e, first, last, dt, dn, status, note in found]


def line_of(row: RosterRow) -> Line:
    """The page row of one roster row (the walk-in's answer renders it alone)."""
    p = row.person
    mark = row.mark
    return Line(row.enrollment.id, p.full_name, p.document_type, p.document_number,
                mark.status if mark else None, mark.note if mark else None)


def status_counts(rows: list[Line]) -> dict[str, int]:
    """How many people of the roster hold each status (the counts above the list)."""
    counts = dict.fromkeys(STATUSES, 0)
    for row in rows:
        if row.status is not None:
            counts[row.status] += 1
    return counts


def search(rows: list[Line], query: str) -> list[Line]:
    """Rows matching a name (case and accents ignored) or a document (separators ignored).

    The same comparison as attendance.js, for browsers without JavaScript.
    """
    wanted = fold(query)
    compact = compact_document(wanted)
    if not compact:
        return rows
    found = []
    for row in rows:
        text = fold(f"{row.name} {row.document_type} {row.document_number}")
        if wanted in text or compact in compact_document(text):
            found.append(row)
    return found


def looks_like_document(query: str) -> str | None:
    """The query as a document number (separators dropped) if it could be one, else None."""
    return could_be_document(query)


def mark_one(session: CourseSession, enrollment_id: int, status: str) -> Enrollment:
    """Set one person's status from the roster (source web)."""
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None or enrollment.cohort_id != session.cohort_id:
        raise ValidationError(_("La persona no está inscrita en este grupo."), "enrollment_id")
    record_marks([Mark(session.id, enrollment.id, status)], source="web")
    person = enrollment.person  # a QR conflict of this person is settled by the tap
    close_request(session.id, person.document_type, person.document_number, enrollment.id)
    return enrollment


def note_one(session: CourseSession, enrollment_id: int, note: str) -> Attendance:
    """Set or clear ("") the note on one person's mark (source web); the mark must exist."""
    enrollment = db.session.get(Enrollment, enrollment_id)
    if enrollment is None or enrollment.cohort_id != session.cohort_id:
        raise ValidationError(_("La persona no está inscrita en este grupo."), "enrollment_id")
    mark = db.session.scalar(select(Attendance).where(
        Attendance.session_id == session.id, Attendance.enrollment_id == enrollment.id))
    if mark is None:
        raise ValidationError(_("Marque primero la asistencia: la nota acompaña a la marca."),
                              "note")
    record_marks([Mark(session.id, enrollment.id, mark.status, note=note or "")], source="web")
    db.session.refresh(mark)
    return mark


def settle_request(session: CourseSession, request: CheckinRequest, action: str,
                   status: str = "presente") -> None:
    """Settle a queued self check-in: ``confirm`` marks its enrolled person (as a roster tap
    does, which closes it), ``reject`` says the person is not in the session."""
    if request.status != "pending":
        raise ValidationError(_("Esta solicitud ya fue atendida."), "request")
    if action == "reject":
        reject_request(request)
        return
    if request.enrollment_id is None:
        raise ValidationError(_(
            "Esta persona no está inscrita en el grupo: inscríbala desde la lista (ingreso) o "
            "rechace la solicitud.",
        ), "action")
    mark_one(session, request.enrollment_id, status or "presente")


def _enrollment(person: Person, session: CourseSession) -> Enrollment | None:
    return db.session.scalar(
        select(Enrollment).where(
            Enrollment.person_id == person.id, Enrollment.cohort_id == session.cohort_id
        )
    )


def lookup(session: CourseSession, document_type: str, document_number: str) -> dict:
    """Tell the roster whether a typed document is enrolled here (the trainer sees that row
    anyway), registered, or unknown: never whose it is."""
    doc_type, number = normalize_document(document_type, document_number)
    person = find_person(doc_type, number)
    answer = {"state": "unknown", "document_type": doc_type, "document_number": number}
    if person is not None:
        enrollment = _enrollment(person, session)
        answer["state"] = "registered" if enrollment is None else "enrolled"
        if enrollment is not None:
            answer["enrollment_id"] = enrollment.id
    return answer


def confirm_identity(person: Person, birth_year: int | None) -> None:
    """The birth year the person says on the spot must match the record of the document
    typed, so a document number alone enrolls (and shows) nobody."""
    if person.birth_date is None:
        return  # nothing recorded to compare with: the document is all there is
    if birth_year is None:
        raise ValidationError(
            _(
                "Ese documento ya está registrado: pregunte a la persona su año de nacimiento y "
                "escríbalo para confirmar que es ella.",
            ), "birth_year")
    if birth_year != person.birth_date.year:
        log.event("attendance.walk_in_mismatch", person_id=person.id)
        raise ValidationError(
            _(
                "El año de nacimiento no coincide con el registro de ese documento. Revise el "
                "documento con la persona.",
            ), "birth_year")


def walk_in(session: CourseSession, data: dict, *, consent: bool,
            birth_year: int | None = None, guardian_name: str | None = None,
            guardian_document: str | None = None):
    """Enroll (registering first, with consent, if new; confirming a registered person by
    their birth year) and mark present; return the row."""
    doc_type, number = normalize_document(data["document_type"], data["document_number"])
    person = find_person(doc_type, number)
    if person is not None and _enrollment(person, session) is None:
        confirm_identity(person, birth_year)
    if person is None:
        missing = [f for f in NEW_PERSON_FIELDS if not data.get(f)]
        if missing:
            raise ValidationError(
                _("La persona no está registrada: complete sus datos para registrarla."),
                fields={f: ["Este campo es obligatorio para registrar a la persona."]
                        for f in missing},
                field=missing[0],
            )
        person = register_person(
            {**data, "document_type": doc_type, "document_number": number},
            channel="form", consent=consent,
            guardian_name=guardian_name or None, guardian_document=guardian_document or None,
        )
    enrollment, _created = get_or_enroll(person, session.cohort)  # open, with a seat
    record_marks([Mark(session.id, enrollment.id, "presente")], source="web")
    close_request(session.id, doc_type, number)
    return RosterRow(enrollment, db.session.scalar(
        select(Attendance).where(Attendance.session_id == session.id,
                                 Attendance.enrollment_id == enrollment.id)))
