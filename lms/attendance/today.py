"""Today's sessions for the person at the door: "Mis grupos → hoy → roster"."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from lms import policy
from lms.courses.models import Cohort, CourseSession
from lms.extensions import db
from lms.timeutil import local_today


def todays_sessions(user, day: date | None = None) -> list[CourseSession]:
    """Sessions held today in the cohorts whose attendance ``user`` takes."""
    query = (
        select(CourseSession)
        .join(Cohort, Cohort.id == CourseSession.cohort_id)
        .options(contains_eager(CourseSession.cohort))
        .where(CourseSession.date == (day or local_today()), policy.cohorts_managed(user))
        .order_by(CourseSession.start_time, Cohort.code)
    )
    return list(db.session.scalars(query).unique())
