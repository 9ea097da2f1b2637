"""Attendance's answers to the domains below it: marks and self check-in requests in a
person's export, check-in requests and notes on marks scrubbed when the person is
anonymised, marks that
keep an enrollment or a session from being deleted, and marks moving when a merge joins
two enrollments of one cohort (loaded at start by ``lms.HOOKS``)."""

from sqlalchemy import and_, delete, exists, or_, select, update

from lms.attendance.models import Attendance, AttendanceMarkId, CheckinRequest
from lms.audit.models import AuditEntry
from lms.audit.services import plain
from lms.courses import hooks
from lms.courses.cohorts import fmt
from lms.courses.models import CourseSession, Enrollment
from lms.extensions import db
from lms.people import registry
from lms.people.models import Person
from lms.people.rights import SCRUBBED, anonymous_document


@registry.export_part("attendance")
def export_marks(person: Person) -> list[dict]:
    """Every mark of the person's enrollments, with its session's date and hours."""
    rows = db.session.execute(
        select(Attendance, CourseSession.date, CourseSession.hours)
        .join(Enrollment, Enrollment.id == Attendance.enrollment_id)
        .join(CourseSession, CourseSession.id == Attendance.session_id)
        .where(Enrollment.person_id == person.id)
        .order_by(Attendance.id)
    )
    return [
        {
            **registry.record_data(mark),
            "session_date": plain(day),
            "session_hours": plain(hours),
        }
        for mark, day, hours in rows
    ]


def _checkin_requests_of(person: Person):
    # Requests name a document (the person typed it), conflicts also the enrollment.
    return or_(
        and_(CheckinRequest.document_type == person.document_type,
             CheckinRequest.document_number == person.document_number),
        CheckinRequest.enrollment_id.in_(
            select(Enrollment.id).where(Enrollment.person_id == person.id)),
    )


@registry.export_part("checkin_requests")
def export_checkin_requests(person: Person) -> list[dict]:
    """The person's self check-ins that waited for a trainer, with their outcome."""
    rows = db.session.scalars(
        select(CheckinRequest).where(_checkin_requests_of(person)).order_by(CheckinRequest.id))
    return [registry.record_data(row) for row in rows]


@registry.anonymize_part
def scrub_checkin_requests(person: Person) -> None:
    """Check-in requests keep the anonymous number instead of the typed document."""
    db.session.execute(
        update(CheckinRequest).where(_checkin_requests_of(person))
        .values(document_number=anonymous_document(person))
        .execution_options(synchronize_session=False)
    )


@registry.anonymize_part
def scrub_notes(person: Person) -> None:
    """Notes on the person's marks are free text: cleared, and blanked in the audit trail."""
    ids = db.session.scalars(select(Attendance.id).join(
        Enrollment, Enrollment.id == Attendance.enrollment_id).where(
        Enrollment.person_id == person.id)).all()
    if not ids:
        return
    db.session.execute(update(Attendance).where(Attendance.id.in_(ids)).values(note=None)
                       .execution_options(synchronize_session="fetch"))
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "attendance", AuditEntry.entity_id.in_(ids)))
    for entry in entries:
        if "note" in (entry.changes or {}):
            entry.changes = {**entry.changes, "note": [
                None if v is None else SCRUBBED for v in entry.changes["note"]]}


def _has_marks(condition) -> bool:
    return bool(db.session.scalar(select(exists().where(condition))))


@hooks.guards_enrollment
def enrollment_has_marks(enrollment: Enrollment) -> str | None:
    """Marks keep an enrollment: it is withdrawn instead."""
    if _has_marks(Attendance.enrollment_id == enrollment.id):
        return (
            "No se puede eliminar: la inscripción ya tiene asistencia registrada. "
            "Cambie su estado a Retirado."
        )
    return None


@hooks.guards_session
def session_has_marks(session: CourseSession) -> str | None:
    """Marks keep a session."""
    if _has_marks(Attendance.session_id == session.id):
        return (
            f"La sesión del {fmt(session.date)} ya tiene asistencia registrada; "
            "no se puede eliminar."
        )
    return None


@hooks.joins_enrollments
def pool_marks(winner_id: int, loser_id: int) -> dict:
    """Give the winner the loser's marks at sessions it has none for; drop the others.

    Returns what undoing it needs: the marks moved, the rows dropped, the replay keys moved.
    """
    taken = select(Attendance.session_id).where(Attendance.enrollment_id == winner_id)
    moved = db.session.scalars(select(Attendance.id).where(
        Attendance.enrollment_id == loser_id, Attendance.session_id.not_in(taken))).all()
    dropped = [registry.record_data(mark) for mark in db.session.scalars(select(Attendance).where(
        Attendance.enrollment_id == loser_id, Attendance.id.not_in(moved or [-1])))]
    keys = db.session.scalars(
        select(AttendanceMarkId.mark_id).where(AttendanceMarkId.enrollment_id == loser_id)).all()
    db.session.execute(
        update(Attendance)
        .where(Attendance.id.in_(moved or [-1]))
        .values(enrollment_id=winner_id)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(Attendance)
        .where(Attendance.enrollment_id == loser_id)
        .execution_options(synchronize_session=False)
    )
    # A late retry of a mark the loser received is still recognised as a replay.
    db.session.execute(
        update(AttendanceMarkId)
        .where(AttendanceMarkId.enrollment_id == loser_id)
        .values(enrollment_id=winner_id)
        .execution_options(synchronize_session=False)
    )
    return {"moved": list(moved), "dropped": dropped, "keys": list(keys)}


@hooks.splits_enrollments(pool_marks)
def split_marks(winner_id: int, loser_id: int, undo: dict) -> None:
    """Undo ``pool_marks``: the loser's marks and replay keys go back to it."""
    table = Attendance.__table__
    if undo.get("dropped"):
        db.session.execute(table.insert(),
                           [registry.row_values(table, row) for row in undo["dropped"]])
    for model, column, ids in ((Attendance, Attendance.id, undo.get("moved")),
                               (AttendanceMarkId, AttendanceMarkId.mark_id, undo.get("keys"))):
        if ids:
            db.session.execute(
                update(model).where(column.in_(ids), model.enrollment_id == winner_id)
                .values(enrollment_id=loser_id).execution_options(synchronize_session=False)
            )
