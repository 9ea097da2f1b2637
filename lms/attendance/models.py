"""Attendance marks and self check-in requests."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.courses.models import CourseSession, Enrollment
from lms.extensions import db
from lms.formatting import N_
from lms.timeutil import utcnow

STATUSES = {"presente": N_("Presente"), "tarde": N_("Tarde"), "excusa": N_("Excusa"),
            "ausente": N_("Ausente")}
#: Statuses that credit the session's hours.
CREDITING = frozenset({"presente", "tarde"})
SOURCES = ("web", "qr", "planilla", "api")
#: Longest note on a mark, in characters.
NOTE_MAX = 200


class Attendance(db.Model):
    """A person's status at one session; one row per enrollment and session."""

    __tablename__ = "attendance"
    __audited__ = True
    __table_args__ = (UniqueConstraint("session_id", "enrollment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The session.
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    #: The enrollment of the person in the session's cohort.
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), index=True
    )
    #: presente, tarde, excusa or ausente.
    status: Mapped[str] = mapped_column(String(10))
    #: web, qr, planilla or api.
    source: Mapped[str] = mapped_column(String(10))
    #: Who set it; empty for self check-in.
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: When it was last set (UTC).
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The trainer's optional short note ("llegó tarde por el transporte"); free text,
    #: cleared when the person is anonymised.
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))

    session: Mapped[CourseSession] = relationship()
    enrollment: Mapped[Enrollment] = relationship()


class AttendanceMarkId(db.Model):
    """Every client mark_id ever accepted, so a late retry is recognised as a replay.

    A key stored on the mark itself only lasts until the next change of that mark; the
    ledger keeps all of them, including those of items that changed nothing.
    """

    __tablename__ = "attendance_mark_ids"

    #: The client's idempotency key (API).
    mark_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The session the key was used for.
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    #: The enrollment the key was used for.
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), index=True
    )
    #: When it was first accepted (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CheckinRequest(db.Model):
    """A self check-in the trainer settles: a document not enrolled in the cohort
    (``unknown``), or an enrolled person whose QR check-in met a mark the trainer set
    (``conflict``: the trainer's mark was kept)."""

    __tablename__ = "checkin_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The session scanned.
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    #: Document type typed by the participant.
    document_type: Mapped[str] = mapped_column(String(3))
    #: Normalized document number typed by the participant.
    document_number: Mapped[str] = mapped_column(String(30))
    #: When it arrived (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: pending, confirmed or rejected.
    status: Mapped[str] = mapped_column(String(10), default="pending")
    #: unknown (not enrolled) or conflict (the trainer had marked the person otherwise).
    kind: Mapped[str] = mapped_column(String(10), default="unknown", server_default="unknown")
    #: The enrollment whose mark the check-in met (conflicts only).
    enrollment_id: Mapped[int | None] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"))

    enrollment: Mapped[Enrollment | None] = relationship()


class CheckinTicket(db.Model):
    """A spent self check-in ticket: one ticket marks one person once."""

    __tablename__ = "checkin_tickets"

    #: SHA-256 of the ticket's random part (never the ticket itself).
    ticket_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The session it was issued for.
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    #: When it was used (UTC).
    used_at: Mapped[datetime] = mapped_column(default=utcnow)
