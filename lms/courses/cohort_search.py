"""Finding cohorts among hundreds: a text search plus course, site, trainer, year and state
filters, as one SELECT that the list paginates (who may see a cohort: lms.policy)."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.sql.expression import ColumnElement

from lms.auth.models import Role, User
from lms.courses.cohorts import cohort_list
from lms.courses.models import Cohort, Course, Site, cohort_trainers
from lms.extensions import db
from lms.formatting import N_

#: A cohort's state on a given day: (value, label); the value travels in the URL.
STATES = (
    ("proximo", N_("Por iniciar")),
    ("en_curso", N_("En curso")),
    ("terminado", N_("Terminado")),
)
#: Longest search text used; the rest is ignored.
MAX_QUERY = 80


@dataclass(frozen=True)
class CohortFilters:
    """What the office looks for; None or empty means "any"."""

    text: str = ""
    course_id: int | None = None
    site_id: int | None = None
    trainer_id: int | None = None
    year: int | None = None
    state: str | None = None


def _state(state: str, today: date) -> ColumnElement[bool]:
    if state == "proximo":
        return Cohort.start_date > today
    if state == "terminado":
        return Cohort.end_date < today
    return (Cohort.start_date <= today) & (Cohort.end_date >= today)


def _text(text: str) -> ColumnElement[bool]:
    # Code, course name or site name; LIKE wildcards typed by people are taken literally.
    escaped = text[:MAX_QUERY].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return or_(
        Cohort.code.ilike(pattern, escape="\\"),
        exists().where(Course.id == Cohort.course_id, Course.name.ilike(pattern, escape="\\")),
        exists().where(Site.id == Cohort.site_id, Site.name.ilike(pattern, escape="\\")),
    )


def search(seen: ColumnElement[bool], filters: CohortFilters, today: date) -> Select:
    """The cohorts ``seen`` allows that match every filter, newest first."""
    query = cohort_list(seen)
    if filters.text.strip():
        query = query.where(_text(filters.text.strip()))
    if filters.course_id:
        query = query.where(Cohort.course_id == filters.course_id)
    if filters.site_id:
        query = query.where(Cohort.site_id == filters.site_id)
    if filters.trainer_id:
        query = query.where(exists().where(cohort_trainers.c.cohort_id == Cohort.id,
                                           cohort_trainers.c.user_id == filters.trainer_id))
    if filters.year:
        # A cohort belongs to every year it runs in.
        query = query.where(Cohort.start_date <= date(filters.year, 12, 31),
                            Cohort.end_date >= date(filters.year, 1, 1))
    if filters.state in dict(STATES):
        query = query.where(_state(filters.state, today))
    return query


def years(seen: ColumnElement[bool]) -> list[int]:
    """The years in which the cohorts ``seen`` allows start or end, newest first."""
    first, last = db.session.execute(
        select(func.min(Cohort.start_date), func.max(Cohort.end_date)).where(seen)
    ).one()
    if first is None:
        return []
    return list(range(last.year, first.year - 1, -1))


def choices_of(model, seen: ColumnElement[bool]) -> list[tuple[int, str]]:
    """(id, name) of the courses or sites of the cohorts ``seen`` allows, by name."""
    column = Cohort.course_id if model is Course else Cohort.site_id
    used = select(column).where(seen)
    return list(db.session.execute(
        select(model.id, model.name).where(model.id.in_(used)).order_by(model.name)
    ).all())


def trainer_choices() -> list[tuple[int, str]]:
    """(id, name) of every trainer account, active or not (old cohorts keep theirs)."""
    return list(db.session.execute(
        select(User.id, User.name).where(User.role == Role.TRAINER).order_by(User.name)
    ).all())
