"""Cohorts (grupos): their trainers, capacity and date rules (who sees them: lms.policy)."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.sql.expression import ColumnElement

from lms.audit.services import record
from lms.auth.models import Role, User
from lms.courses.models import MODALITIES, Cohort, Course, CourseSession, Enrollment, Site
from lms.courses.rules import Problems, code_of, delete, store, unique_code
from lms.courses.signals import cohort_course_changed
from lms.extensions import db
from lms.formatting import N_, short_date

WEEKDAYS = {
    "0": N_("Lunes"),
    "1": N_("Martes"),
    "2": N_("Miércoles"),
    "3": N_("Jueves"),
    "4": N_("Viernes"),
    "5": N_("Sábado"),
    "6": N_("Domingo"),
}


def fmt(day: date) -> str:
    """A date as Colombians write it (dd/mm/aaaa)."""
    return short_date(day)


def cohort_list(condition: ColumnElement[bool]):
    """Select the cohorts matching ``condition`` (a rule of lms.policy), newest first."""
    return select(Cohort).where(condition).order_by(Cohort.start_date.desc(), Cohort.code)


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
            select(User).where(User.role == Role.TRAINER, User.active).order_by(User.name)
        )
    )


def clean_cohort(data: dict, cohort: Cohort | None = None) -> dict:
    """Check a cohort's fields; returns them with ``trainers`` as User objects."""
    problems = Problems()
    clean = {
        "code": code_of(problems.text(data, "code", N_("Código"), 40)) or None,
        "modality": data.get("modality") or "presencial",
        "start_date": data.get("start_date"),
        "end_date": data.get("end_date"),
    }
    if clean["modality"] not in MODALITIES:
        problems.add("modality", _("Modalidad no válida; use presencial o virtual."))
    clean["course"] = _active_choice(Course, data.get("course_id"), cohort, "course", problems)
    clean["site"] = _active_choice(Site, data.get("site_id"), cohort, "site", problems)
    clean["trainers"] = _trainers(data.get("trainer_ids") or [], problems)
    capacity = data.get("capacity")
    if not isinstance(capacity, int) or isinstance(capacity, bool) or capacity < 1:
        problems.add("capacity", _("La capacidad debe ser un número entero mayor que 0."))
    elif cohort is not None:
        enrolled = enrollment_counts([cohort.id]).get(cohort.id, 0)
        if capacity < enrolled:
            problems.add("capacity", ngettext(
                "El grupo ya tiene %(num)d persona inscrita; amplíe la capacidad.",
                "El grupo ya tiene %(num)d personas inscritas; amplíe la capacidad.", enrolled))
    clean["capacity"] = capacity
    _check_dates(clean["start_date"], clean["end_date"], cohort, problems)
    unique_code(problems, Cohort, clean["code"], cohort)
    problems.raise_if_any()
    return clean


def _active_choice(model, ident, cohort, attr: str, problems: Problems):
    course = attr == "course"
    record = db.session.get(model, ident) if isinstance(ident, int) else None
    if record is None:
        problems.add(f"{attr}_id", _("El curso elegido no existe.") if course
                     else _("La sede elegida no existe."))
    elif not record.active and (cohort is None or getattr(cohort, f"{attr}_id") != record.id):
        # Inactive records stay on old cohorts but are not offered to new ones.
        problems.add(f"{attr}_id", _("El curso %(code)s está inactivo.", code=record.code)
                     if course else _("La sede %(code)s está inactiva.", code=record.code))
    return record


def _trainers(ids, problems: Problems) -> list[User]:
    chosen = []
    for ident in dict.fromkeys(ids):
        user = db.session.get(User, ident) if isinstance(ident, int) else None
        if user is None or not user.is_trainer or not user.active:
            problems.add("trainer_ids",
                         _("Solo se pueden asignar usuarios activos con rol formador."))
            continue
        chosen.append(user)
    return chosen


def _check_dates(start, end, cohort, problems: Problems) -> None:
    if not isinstance(start, date):
        problems.add("start_date", _("Indique la fecha de inicio del grupo."))
    if not isinstance(end, date):
        problems.add("end_date", _("Indique la fecha de fin del grupo."))
    if problems.fields.keys() & {"start_date", "end_date"}:
        return
    if start > end:
        problems.add("end_date", _("La fecha de fin no puede ser anterior a la de inicio."))
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
                _("Hay sesiones fuera de las nuevas fechas (%(days)s); muévalas o elimínelas "
                  "antes.", days=days),
            )


def save_cohort(data: dict, cohort: Cohort | None = None) -> Cohort:
    """Create a cohort, or update ``cohort`` (its trainers are replaced by the chosen ones)."""
    clean = clean_cohort(data, cohort)
    before = sorted(user.id for user in cohort.trainers) if cohort is not None else []
    moved = cohort is not None and cohort.course_id != clean["course"].id
    cohort = store(Cohort, clean, cohort)
    after = sorted(user.id for user in clean["trainers"])
    if after != before:
        # The flush hook sees column changes only; the trainer links are a plain table.
        record("update", cohort, {"trainer_ids": [before, after]})
    if moved:
        cohort_course_changed.send(Cohort, cohort_id=cohort.id)
    return cohort


def delete_cohort(cohort: Cohort) -> None:
    """Delete a cohort with nobody enrolled (its sessions go with it)."""
    enrolled = enrollment_counts([cohort.id]).get(cohort.id, 0)
    refusal = f"El grupo tiene {enrolled} inscritos; no se puede eliminar."
    delete(cohort, refusal if enrolled else None)
