"""Sessions (sesiones) of a cohort: the one session rule, single, series, edits and batches."""

from datetime import date, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import select

from lms.courses import hooks
from lms.courses.cohorts import WEEKDAYS, fmt
from lms.courses.models import Cohort, CourseSession
from lms.courses.rules import Problems, delete
from lms.courses.signals import session_changed
from lms.errors import ValidationError
from lms.extensions import db
from lms.formatting import N_
from lms.timeutil import public_holidays

MAX_SESSION_HOURS = Decimal(12)
#: A series longer than this is almost surely a typo in the year.
MAX_SERIES_DAYS = 366


def _hours(value) -> Decimal | None:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None
    return hours if hours.is_finite() else None


def check_session(cohort: Cohort, day, hours, problems: Problems, session_id=None, taken=None):
    """The session rule, shared by single sessions, series, edits and the planilla import.

    ``taken``: the cohort's session dates, when the caller already looked them up in bulk.
    """
    parsed = _hours(hours)
    if parsed is None or parsed <= 0 or parsed > MAX_SESSION_HOURS:
        problems.add("hours", _("La duración debe ser mayor que 0 y de máximo 12 horas."))
    if not isinstance(day, date):
        problems.add("date", _("Indique la fecha de la sesión."))
    elif not cohort.start_date <= day <= cohort.end_date:
        problems.add("date", _(
            "La fecha de la sesión (%(day)s) está fuera de las fechas del grupo (%(start)s a "
            "%(end)s).", day=fmt(day), start=fmt(cohort.start_date), end=fmt(cohort.end_date)))
    elif taken is not None:
        if day in taken:
            problems.add("date", _("El grupo ya tiene una sesión el %(day)s.", day=fmt(day)))
    else:
        clash = select(CourseSession.id).where(
            CourseSession.cohort_id == cohort.id, CourseSession.date == day
        )
        if session_id is not None:
            clash = clash.where(CourseSession.id != session_id)
        if db.session.scalar(clash):
            problems.add("date", _("El grupo ya tiene una sesión el %(day)s.", day=fmt(day)))
    return parsed


def add_session(
    cohort: Cohort, day: date, hours, start_time: time | None = None, topic: str = ""
) -> CourseSession:
    """Add one session to a cohort; raise ValidationError (fields date/hours/topic) if refused."""
    problems = Problems()
    parsed = check_session(cohort, day, hours, problems)
    topic = problems.text({"topic": topic}, "topic", N_("Tema"), 200, required=False) or ""
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
    parsed = check_session(session.cohort, day, hours, problems, session.id)
    topic = problems.text({"topic": topic}, "topic", N_("Tema"), 200, required=False) or ""
    problems.raise_if_any()
    # Hours credited and completion dates follow the session's date and hours.
    moved = session.date != day or session.hours is None or Decimal(session.hours) != parsed
    session.date, session.hours, session.start_time, session.topic = day, parsed, start_time, topic
    db.session.flush()
    if moved:
        session_changed.send(CourseSession, session_ids=[session.id])
    return session


def delete_session(session: CourseSession) -> None:
    """Delete a session that has no attendance marks (attendance says so: hooks)."""
    delete(session, hooks.refusal(hooks.SESSION_GUARDS, session))


class Series(NamedTuple):
    """What ``add_series`` did: sessions created, dates that already had one, and the public
    holidays among the chosen days, {date: name} (left out unless asked for)."""

    created: list[CourseSession]
    skipped: list[date]
    holidays: dict[date, str]


def add_series(
    cohort: Cohort,
    first: date,
    last: date,
    weekdays,
    hours,
    start_time: time | None = None,
    topic: str = "",
    include_holidays: bool = False,
) -> Series:
    """Add a session on each chosen weekday (0 = Monday) between two dates.

    Days that already have a session are skipped and returned; Colombian public holidays
    are left out (or, with ``include_holidays``, kept) and returned for a warning; everything
    else follows add_session's rule.
    """
    problems = Problems()
    days = sorted({int(d) for d in weekdays if str(d) in WEEKDAYS})
    if not days:
        problems.add("weekdays", _("Elija al menos un día de la semana."))
    for field, value in (("first_date", first), ("last_date", last)):
        if not isinstance(value, date):
            problems.add(field, _("Indique la fecha inicial de la serie.") if field == "first_date"
                         else _("Indique la fecha final de la serie."))
        elif not cohort.start_date <= value <= cohort.end_date:
            outside = (_("La fecha inicial de la serie (%(day)s) está fuera de las fechas del "
                         "grupo (%(start)s a %(end)s).") if field == "first_date"
                       else _("La fecha final de la serie (%(day)s) está fuera de las fechas "
                              "del grupo (%(start)s a %(end)s)."))
            problems.add(field, outside % {"day": fmt(value), "start": fmt(cohort.start_date),
                                           "end": fmt(cohort.end_date)})
    if not problems and first > last:
        problems.add("last_date",
                     _("La fecha final de la serie no puede ser anterior a la inicial."))
    if not problems and (last - first).days > MAX_SERIES_DAYS:
        problems.add("last_date", _("Una serie no puede abarcar más de un año."))
    if _hours(hours) is None or not 0 < _hours(hours) <= MAX_SESSION_HOURS:
        problems.add("hours", _("La duración debe ser mayor que 0 y de máximo 12 horas."))
    problems.raise_if_any()
    wanted = [
        first + timedelta(n)
        for n in range((last - first).days + 1)
        if (first + timedelta(n)).weekday() in days
    ]
    if not wanted:
        raise ValidationError(_(
            "Ningún día entre esas fechas cae en los días elegidos.",
        ), "weekdays")
    festive = {day: name for day, name in public_holidays(first, last).items() if day in wanted}
    if not include_holidays:
        wanted = [day for day in wanted if day not in festive]
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
    return Series(created, [day for day in wanted if day in taken], festive)


def add_sessions(items: list[tuple[Cohort, date, object]]) -> list[CourseSession | ValidationError]:
    """Add (cohort, day, hours) sessions; return, in order, each new session or its refusal.

    The clash check reads the cohorts' dates in one query instead of one per session, and
    the accepted sessions are written by a single flush: an import of thousands of sessions
    costs a few statements, not a handful per session.
    """
    cohort_ids = {cohort.id for cohort, _, _ in items}
    days = {day for _, day, _ in items if isinstance(day, date)}
    taken: dict[int, set[date]] = {cohort_id: set() for cohort_id in cohort_ids}
    if cohort_ids and days:
        for cohort_id, day in db.session.execute(
            select(CourseSession.cohort_id, CourseSession.date).where(
                CourseSession.cohort_id.in_(cohort_ids), CourseSession.date.in_(days)
            )
        ):
            taken[cohort_id].add(day)
    out: list[CourseSession | ValidationError] = []
    for cohort, day, hours in items:
        problems = Problems()
        parsed = check_session(cohort, day, hours, problems, taken=taken[cohort.id])
        try:
            problems.raise_if_any()
        except ValidationError as exc:
            out.append(exc)
            continue
        session = CourseSession(cohort_id=cohort.id, date=day, hours=parsed, topic="")
        db.session.add(session)
        taken[cohort.id].add(day)  # a second item for the same day clashes, as it would
        out.append(session)
    db.session.flush()
    return out
