"""Cohorts (grupos) and their sessions: who sees them, and the date rules of sessions."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import exists, false, func, select

from lms.auth.models import User
from lms.courses.models import (
    MODALITIES,
    Cohort,
    Course,
    CourseSession,
    Enrollment,
    Site,
    cohort_trainers,
)
from lms.courses.rules import Problems, code_of
from lms.errors import ValidationError
from lms.extensions import db

MAX_SESSION_HOURS = Decimal(12)
#: A series longer than this is almost surely a typo in the year.
MAX_SERIES_DAYS = 366
WEEKDAYS = {
    "0": "Lunes",
    "1": "Martes",
    "2": "Miércoles",
    "3": "Jueves",
    "4": "Viernes",
    "5": "Sábado",
    "6": "Domingo",
}


def local_today() -> date:
    """Today in the office's time zone (sessions are dated locally)."""
    zone = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "America/Bogota")
    return datetime.now(ZoneInfo(zone)).date()


def fmt(day: date) -> str:
    """A date as Colombians write it (dd/mm/aaaa)."""
    return day.strftime("%d/%m/%Y")


def visible_cohorts(user):
    """Select the cohorts ``user`` may see: all for admins and analysts, own ones for trainers."""
    query = select(Cohort).order_by(Cohort.start_date.desc(), Cohort.code)
    if user.role in ("admin", "analyst"):
        return query
    if user.role != "trainer":
        return query.where(false())
    mine = exists().where(
        cohort_trainers.c.cohort_id == Cohort.id, cohort_trainers.c.user_id == user.id
    )
    return query.where(mine)


def enrollment_counts(cohort_ids) -> dict[int, int]:
    """Number of enrollments per cohort id, in one query."""
    ids = list(cohort_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Enrollment.cohort_id, func.count(Enrollment.id))
        .where(Enrollment.cohort_id.in_(ids))
        .group_by(Enrollment.cohort_id)
    )
    return dict(rows.all())


def trainers() -> list[User]:
    """Active users with the trainer role, the only ones a cohort may be assigned to."""
    return list(
        db.session.scalars(
            select(User).where(User.role == "trainer", User.active).order_by(User.name)
        )
    )


def clean_cohort(data: dict, cohort: Cohort | None = None) -> dict:
    """Check a cohort's fields; returns them with ``trainers`` as User objects."""
    problems = Problems()
    clean = {
        "code": code_of(problems.text(data, "code", "Código", 40)) or None,
        "modality": data.get("modality") or "presencial",
        "start_date": data.get("start_date"),
        "end_date": data.get("end_date"),
    }
    if clean["modality"] not in MODALITIES:
        problems.add("modality", "Modalidad no válida; use presencial o virtual.")
    clean["course"] = _active_choice(Course, data.get("course_id"), cohort, "course", problems)
    clean["site"] = _active_choice(Site, data.get("site_id"), cohort, "site", problems)
    clean["trainers"] = _trainers(data.get("trainer_ids") or [], problems)
    capacity = data.get("capacity")
    if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 1:
        problems.add("capacity", "La capacidad debe ser un número entero mayor que 0.")
    elif cohort is not None:
        enrolled = enrollment_counts([cohort.id]).get(cohort.id, 0)
        if capacity < enrolled:
            problems.add(
                "capacity", f"El grupo ya tiene {enrolled} inscritos; amplíe la capacidad."
            )
    clean["capacity"] = capacity
    _check_dates(clean["start_date"], clean["end_date"], cohort, problems)
    if clean["code"]:
        clash = select(Cohort.id).where(Cohort.code == clean["code"])
        if cohort is not None:
            clash = clash.where(Cohort.id != cohort.id)
        if db.session.scalar(clash):
            problems.add("code", f"Ya existe un grupo con el código {clean['code']}.")
    problems.raise_if_any()
    return clean


def _active_choice(model, ident, cohort, attr: str, problems: Problems):
    label = "El curso" if attr == "course" else "La sede"
    record = db.session.get(model, ident) if isinstance(ident, int) else None
    if record is None:
        problems.add(f"{attr}_id", f"{label} elegido no existe.")
    elif not record.active and (cohort is None or getattr(cohort, f"{attr}_id") != record.id):
        # Inactive records stay on old cohorts but are not offered to new ones.
        problems.add(f"{attr}_id", f"{label} {record.code} está inactivo.")
    return record


def _trainers(ids, problems: Problems) -> list[User]:
    chosen = []
    for ident in dict.fromkeys(ids):
        user = db.session.get(User, ident) if isinstance(ident, int) else None
        if user is None or user.role != "trainer" or not user.active:
            problems.add("trainer_ids", "Solo se pueden asignar usuarios activos con rol formador.")
            continue
        chosen.append(user)
    return chosen


def _check_dates(start, end, cohort, problems: Problems) -> None:
    if not isinstance(start, date):
        problems.add("start_date", "Indique la fecha de inicio del grupo.")
    if not isinstance(end, date):
        problems.add("end_date", "Indique la fecha de fin del grupo.")
    if problems.fields.keys() & {"start_date", "end_date"}:
        return
    if start > end:
        problems.add("end_date", "La fecha de fin no puede ser anterior a la de inicio.")
        return
    if cohort is not None and cohort.id is not None:
        outside = db.session.scalars(
            select(CourseSession.date)
            .where(CourseSession.cohort_id == cohort.id)
            .where((CourseSession.date < start) | (CourseSession.date > end))
            .order_by(CourseSession.date)
        ).all()
        if outside:
            days = ", ".join(fmt(d) for d in outside[:5])
            problems.add(
                "start_date" if outside[0] < start else "end_date",
                f"Hay sesiones fuera de las nuevas fechas ({days}); muévalas o elimínelas antes.",
            )


def save_cohort(data: dict, cohort: Cohort | None = None) -> Cohort:
    """Create a cohort, or update ``cohort`` (its trainers are replaced by the chosen ones)."""
    clean = clean_cohort(data, cohort)
    if cohort is None:
        cohort = Cohort()
        db.session.add(cohort)
    for key, value in clean.items():
        setattr(cohort, key, value)
    db.session.flush()
    return cohort


def delete_cohort(cohort: Cohort) -> None:
    """Delete a cohort with nobody enrolled (its sessions go with it)."""
    enrolled = enrollment_counts([cohort.id]).get(cohort.id, 0)
    if enrolled:
        raise ValidationError(f"El grupo tiene {enrolled} inscritos; no se puede eliminar.")
    db.session.delete(cohort)
    db.session.flush()


def _hours(value) -> Decimal | None:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None
    return hours if hours.is_finite() else None


def _check_session(cohort: Cohort, day, hours, problems: Problems, session_id=None, taken=None):
    """The session rule, shared by single sessions, series, edits and the planilla import.

    ``taken``: the cohort's session dates, when the caller already looked them up in bulk.
    """
    parsed = _hours(hours)
    if parsed is None or parsed <= 0 or parsed > MAX_SESSION_HOURS:
        problems.add("hours", "La duración debe ser mayor que 0 y de máximo 12 horas.")
    if not isinstance(day, date):
        problems.add("date", "Indique la fecha de la sesión.")
    elif not cohort.start_date <= day <= cohort.end_date:
        problems.add(
            "date",
            f"La fecha de la sesión ({fmt(day)}) está fuera de las fechas del grupo "
            f"({fmt(cohort.start_date)} a {fmt(cohort.end_date)}).",
        )
    elif taken is not None:
        if day in taken:
            problems.add("date", f"El grupo ya tiene una sesión el {fmt(day)}.")
    else:
        clash = select(CourseSession.id).where(
            CourseSession.cohort_id == cohort.id, CourseSession.date == day
        )
        if session_id is not None:
            clash = clash.where(CourseSession.id != session_id)
        if db.session.scalar(clash):
            problems.add("date", f"El grupo ya tiene una sesión el {fmt(day)}.")
    return parsed


def add_session(
    cohort: Cohort, day: date, hours, start_time: time | None = None, topic: str = ""
) -> CourseSession:
    """Add one session to a cohort; raise ValidationError (fields date/hours/topic) if refused."""
    problems = Problems()
    parsed = _check_session(cohort, day, hours, problems)
    topic = problems.text({"topic": topic}, "topic", "Tema", 200, required=False) or ""
    problems.raise_if_any()
    session = CourseSession(
        cohort=cohort, date=day, hours=parsed, start_time=start_time, topic=topic
    )
    db.session.add(session)
    db.session.flush()
    return session


def update_session(
    session: CourseSession, day: date, hours, start_time: time | None = None, topic: str = ""
) -> CourseSession:
    """Change a session's date, time, duration or topic under the same rule as adding it."""
    problems = Problems()
    parsed = _check_session(session.cohort, day, hours, problems, session.id)
    topic = problems.text({"topic": topic}, "topic", "Tema", 200, required=False) or ""
    problems.raise_if_any()
    session.date, session.hours, session.start_time, session.topic = day, parsed, start_time, topic
    db.session.flush()
    return session


def delete_session(session: CourseSession) -> None:
    """Delete a session that has no attendance marks."""
    # Looked up by table name: attendance depends on courses, never the other way round.
    marks = db.metadata.tables.get("attendance")
    if marks is not None and db.session.scalar(
        select(func.count()).select_from(marks).where(marks.c.session_id == session.id)
    ):
        raise ValidationError(
            f"La sesión del {fmt(session.date)} ya tiene asistencia registrada; "
            "no se puede eliminar."
        )
    db.session.delete(session)
    db.session.flush()


def add_series(
    cohort: Cohort,
    first: date,
    last: date,
    weekdays,
    hours,
    start_time: time | None = None,
    topic: str = "",
) -> tuple[list[CourseSession], list[date]]:
    """Add a session on each chosen weekday (0 = Monday) between two dates.

    Days that already have a session are skipped and returned; everything else follows
    add_session's rule. Returns (created sessions, skipped dates).
    """
    problems = Problems()
    days = sorted({int(d) for d in weekdays if str(d) in WEEKDAYS})
    if not days:
        problems.add("weekdays", "Elija al menos un día de la semana.")
    for field, value, label in (("first_date", first, "inicial"), ("last_date", last, "final")):
        if not isinstance(value, date):
            problems.add(field, f"Indique la fecha {label} de la serie.")
        elif not cohort.start_date <= value <= cohort.end_date:
            problems.add(
                field,
                f"La fecha {label} de la serie ({fmt(value)}) está fuera de las fechas del grupo "
                f"({fmt(cohort.start_date)} a {fmt(cohort.end_date)}).",
            )
    if not problems and first > last:
        problems.add("last_date", "La fecha final de la serie no puede ser anterior a la inicial.")
    if not problems and (last - first).days > MAX_SERIES_DAYS:
        problems.add("last_date", "Una serie no puede abarcar más de un año.")
    if _hours(hours) is None or not 0 < _hours(hours) <= MAX_SESSION_HOURS:
        problems.add("hours", "La duración debe ser mayor que 0 y de máximo 12 horas.")
    problems.raise_if_any()
    wanted = [
        first + timedelta(n)
        for n in range((last - first).days + 1)
        if (first + timedelta(n)).weekday() in days
    ]
    if not wanted:
        raise ValidationError("Ningún día entre esas fechas cae en los días elegidos.", "weekdays")
    taken = set(
        db.session.scalars(
            select(CourseSession.date).where(
                CourseSession.cohort_id == cohort.id, CourseSession.date.in_(wanted)
            )
        )
    )
    created = [
        add_session(cohort, day, hours, start_time, topic) for day in wanted if day not in taken
    ]
    return created, [day for day in wanted if day in taken]
