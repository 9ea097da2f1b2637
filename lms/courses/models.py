"""Catalog (plan indicators, courses), sites, cohorts, sessions and enrollments."""

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Numeric, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.extensions import db
from lms.formatting import N_
from lms.people.models import Person
from lms.timeutil import utcnow

SITE_KINDS = {
    "cac": N_("Centro de Acceso Comunitario"),
    "pvd": N_("Punto Vive Digital"),
    "biblioteca": N_("Biblioteca"),
    "colegio": N_("Colegio"),
    "salon_comunal": N_("Salón comunal"),
    "virtual": N_("Virtual"),
    "otro": N_("Otro"),
}
RULES = {"completed": N_("Personas que completaron"), "certified": N_("Personas certificadas")}
DOCUMENT_KINDS = {"certificado": N_("Certificado"), "constancia": N_("Constancia de participación")}
MODALITIES = {"presencial": N_("Presencial"), "virtual": N_("Virtual")}
ENROLLMENT_STATUSES = {
    "inscrito": N_("Inscrito"),
    "en_curso": N_("En curso"),
    "completo": N_("Completó"),
    "retirado": N_("Retirado"),
}


class Site(db.Model):
    """A place where training happens (sede)."""

    __tablename__ = "sites"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short unique code used by imports, e.g. "CAC-ATALAYA".
    code: Mapped[str] = mapped_column(String(30), unique=True)
    #: Display name.
    name: Mapped[str] = mapped_column(String(160))
    #: One of SITE_KINDS.
    kind: Mapped[str] = mapped_column(String(20))
    #: urbana or rural.
    zone: Mapped[str] = mapped_column(String(10))
    #: Comuna or corregimiento name.
    area: Mapped[str | None] = mapped_column(String(80))
    #: Street address.
    address: Mapped[str | None] = mapped_column(String(200))
    #: Inactive sites are hidden from new cohorts but kept for history.
    active: Mapped[bool] = mapped_column(default=True)


class PlanIndicator(db.Model):
    """A development-plan product indicator; data, so the next plan is configuration only."""

    __tablename__ = "plan_indicators"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Indicator code.
    code: Mapped[str] = mapped_column(String(30), unique=True)
    #: Indicator name as in the plan.
    name: Mapped[str] = mapped_column(String(200))
    #: MGA product code the indicator counts, e.g. "2301031".
    product_code: Mapped[str] = mapped_column(String(20), index=True)
    #: Product name as in the plan.
    product_name: Mapped[str] = mapped_column(String(200), default="")
    #: Target number of people.
    goal: Mapped[int]
    #: First day of the plan period.
    period_start: Mapped[date]
    #: Last day of the plan period.
    period_end: Mapped[date]
    #: completed or certified (see RULES).
    rule: Mapped[str] = mapped_column(String(20))


def required_hours(hours, min_attendance_pct: int) -> Decimal:
    """The completion threshold: the hours to be credited, a share of the course's hours.

    The one owner of the threshold: ``Course.required_hours`` and the completion rule's
    set-based computation (plain rows, no Course objects) both call it.
    """
    return Decimal(hours) * min_attendance_pct / 100

class Course(db.Model):
    """A catalog entry (curso), reporting to one plan product."""

    __tablename__ = "courses"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Unique code, e.g. "TIC-BASICO".
    code: Mapped[str] = mapped_column(String(30), unique=True)
    #: Display name.
    name: Mapped[str] = mapped_column(String(200))
    #: What the course covers.
    description: Mapped[str] = mapped_column(Text, default="")
    #: Total hours of the course.
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    #: Share of the hours a person must attend to complete it.
    min_attendance_pct: Mapped[int] = mapped_column(default=80)
    #: Whether completing it grants a document.
    grants_document: Mapped[bool] = mapped_column(default=True)
    #: certificado or constancia.
    document_kind: Mapped[str | None] = mapped_column(String(20))
    #: Issue the document as soon as the enrollment completes (default: manual).
    auto_issue: Mapped[bool] = mapped_column(default=False)
    #: A person holds at most one valid document per course; with this set, at most one
    #: among all the courses of its product that say so (the office's choice).
    one_document_per_product: Mapped[bool] = mapped_column(default=False)
    #: MGA product code the course reports to (see PlanIndicator.product_code).
    product_code: Mapped[str] = mapped_column(String(20), index=True)
    #: Inactive courses are hidden from new cohorts.
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def required_hours(self) -> Decimal:
        """Hours a person must be credited to complete the course."""
        return required_hours(self.hours, self.min_attendance_pct)


cohort_trainers = Table(
    "cohort_trainers",
    db.metadata,
    Column("cohort_id", ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Cohort(db.Model):
    """One offering (grupo) of a course at a site."""

    __tablename__ = "cohorts"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Unique code, used by the planilla import.
    code: Mapped[str] = mapped_column(String(40), unique=True)
    #: The course offered.
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), index=True)
    #: Where it meets.
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    #: First day.
    start_date: Mapped[date]
    #: Last day.
    end_date: Mapped[date]
    #: Maximum number of enrolled people.
    capacity: Mapped[int] = mapped_column(default=30)
    #: presencial or virtual.
    modality: Mapped[str] = mapped_column(String(12), default="presencial")

    course: Mapped[Course] = relationship(lazy="joined")
    site: Mapped[Site] = relationship(lazy="joined")
    trainers: Mapped[list[User]] = relationship(secondary=cohort_trainers)
    sessions: Mapped[list["CourseSession"]] = relationship(
        back_populates="cohort", order_by="CourseSession.date", cascade="all, delete-orphan"
    )


class CourseSession(db.Model):
    """A dated meeting (sesión) of a cohort; one per cohort and day."""

    __tablename__ = "sessions"
    __audited__ = True
    __table_args__ = (UniqueConstraint("cohort_id", "date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The cohort meeting.
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    #: Day of the meeting.
    date: Mapped[date]
    #: Start time, if known.
    start_time: Mapped[time | None]
    #: Duration credited to those present.
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    #: What was covered.
    topic: Mapped[str] = mapped_column(String(200), default="")

    cohort: Mapped[Cohort] = relationship(back_populates="sessions")


class Enrollment(db.Model):
    """A person in a cohort (inscripción), with the completion the attendance earned."""

    __tablename__ = "enrollments"
    __audited__ = True
    __table_args__ = (UniqueConstraint("person_id", "cohort_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The participant.
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    #: The cohort.
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    #: inscrito, en_curso, completo or retirado.
    status: Mapped[str] = mapped_column(String(12), default="inscrito")
    #: When the person was enrolled (UTC).
    enrolled_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Hours credited by attendance; kept up to date by the completion rule.
    hours_credited: Mapped[Decimal] = mapped_column(Numeric(7, 2), default=0)
    #: Date of the session at which the threshold was first reached.
    completed_on: Mapped[date | None] = mapped_column(index=True)
    #: Attendance fell below the threshold after a document was issued; an admin decides.
    completion_conflict: Mapped[bool] = mapped_column(default=False)
    #: Who enrolled the person (None: a command or an older record). A trainer's
    #: enrollments are withdrawn, never deleted.
    enrolled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    person: Mapped[Person] = relationship(lazy="joined")
    cohort: Mapped[Cohort] = relationship(lazy="joined")
    enrolled_by: Mapped[User | None] = relationship()

    @property
    def is_complete(self) -> bool:
        """Whether the completion rule has been met."""
        return self.completed_on is not None
