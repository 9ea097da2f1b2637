"""Today's sessions for the person at the door: "Mis grupos → hoy → roster"."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from lms.courses.models import Cohort, CourseSession, cohort_trainers
from lms.extensions import db


def local_today() -> date:
    """Today's date in the office's time zone (Cúcuta), not the server's."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "America/Bogota"))
    return datetime.now(zone).date()


def todays_sessions(user, day: date | None = None) -> list[CourseSession]:
    """Sessions held today in the user's cohorts (every cohort for an admin)."""
    query = (
        select(CourseSession)
        .join(Cohort, Cohort.id == CourseSession.cohort_id)
        .options(contains_eager(CourseSession.cohort))
        .where(CourseSession.date == (day or local_today()))
        .order_by(CourseSession.start_time, Cohort.code)
    )
    if not user.is_admin:
        query = query.join(cohort_trainers, cohort_trainers.c.cohort_id == Cohort.id).where(
            cohort_trainers.c.user_id == user.id
        )
    return list(db.session.scalars(query).unique())
