"""Attendance marks and self check-in requests."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.courses.models import CourseSession, Enrollment
from lms.extensions import db
from lms.timeutil import utcnow

STATUSES = {"presente": "Presente", "tarde": "Tarde", "excusa": "Excusa", "ausente": "Ausente"}
#: Statuses that credit the session's hours.
CREDITING = frozenset({"presente", "tarde"})
SOURCES = ("web", "qr", "planilla", "api")


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
    #: Client-chosen id that makes API retries idempotent.
    mark_id: Mapped[str | None] = mapped_column(String(64), unique=True)

    session: Mapped[CourseSession] = relationship()
    enrollment: Mapped[Enrollment] = relationship()


class CheckinRequest(db.Model):
    """A self check-in by a document not enrolled in the cohort, waiting for the trainer."""

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
