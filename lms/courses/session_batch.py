"""Many sessions at once (bulk imports), under exactly add_session's rule, with one flush."""

from datetime import date

from sqlalchemy import select

from lms.courses.cohorts import _check_session
from lms.courses.models import Cohort, CourseSession
from lms.courses.rules import Problems
from lms.errors import ValidationError
from lms.extensions import db


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
                CourseSession.cohort_id.in_(cohort_ids), CourseSession.date.in_(days))
        ):
            taken[cohort_id].add(day)
    out: list[CourseSession | ValidationError] = []
    for cohort, day, hours in items:
        problems = Problems()
        parsed = _check_session(cohort, day, hours, problems, taken=taken[cohort.id])
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
