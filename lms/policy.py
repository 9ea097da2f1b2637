"""Who may see and manage what: the one owner of the access rules.

Each rule is written once, as a SQL condition, so a list is filtered with it
(``select(Cohort).where(policy.cohorts_seen(user))``) and a single object is checked
with the same condition (``policy.can_view_cohort(user, cohort)``): a page and the list
that links to it can never disagree. Roles live in ``lms.auth.models.Role``.
"""

from sqlalchemy import exists, false, select, true
from sqlalchemy.sql.expression import ColumnElement, False_, True_

from lms.auth.models import Role
from lms.courses.models import Cohort, CourseSession, Enrollment, cohort_trainers
from lms.extensions import db
from lms.people.models import Person

__all__ = ["Role", "STAFF"]

#: Every staff role: the API and the menu's "any staff" entries.
STAFF = tuple(Role)


def _taught_by(user) -> ColumnElement[bool]:
    return exists().where(
        cohort_trainers.c.cohort_id == Cohort.id, cohort_trainers.c.user_id == user.id
    )


def _cohort_ids_taught_by(user):
    return select(cohort_trainers.c.cohort_id).where(cohort_trainers.c.user_id == user.id)


def cohorts_seen(user) -> ColumnElement[bool]:
    """Cohorts ``user`` may open: all for admins and analysts, a trainer's own ones."""
    if user.role in (Role.ADMIN, Role.ANALYST):
        return true()
    return _taught_by(user) if user.role == Role.TRAINER else false()


def cohorts_managed(user) -> ColumnElement[bool]:
    """Cohorts ``user`` may change (sessions, attendance): all for admins, a trainer's own."""
    if user.role == Role.ADMIN:
        return true()
    return _taught_by(user) if user.role == Role.TRAINER else false()


def enrollments_seen(user) -> ColumnElement[bool]:
    """Enrollments whose person ``user`` may see by name: admins, and a trainer's cohorts."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.TRAINER:
        return Enrollment.cohort_id.in_(_cohort_ids_taught_by(user))
    return false()


def people_seen(user) -> ColumnElement[bool]:
    """People whose personal data ``user`` may read: admins, and a trainer's participants."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.TRAINER:
        enrolled = select(Enrollment.person_id).where(
            Enrollment.cohort_id.in_(_cohort_ids_taught_by(user))
        )
        return Person.id.in_(enrolled)
    return false()


def can_enroll_anyone(user) -> bool:
    """Whether ``user`` may enroll a person picked by id or from a list: admins.

    A trainer enrolls only the person whose exact document (type and number) they typed at
    a session of their own cohort (the walk-in, ``can_manage_session``), into an open cohort
    with a seat (``courses.enrollments``): enrolling must not become a way to read anyone's
    data, which a trainer sees for their cohorts' people (``people_seen``).
    """
    return user.role == Role.ADMIN


def can_enroll_after_end(user) -> bool:
    """Whether ``user`` may enroll someone into a cohort that has ended (with a reason)."""
    return user.role == Role.ADMIN


def can_delete_enrollment(user, enrollment: Enrollment) -> bool:
    """Whether ``user`` may delete an enrollment made by mistake: admins (a trainer
    withdraws people, a status; see also ``courses.enrollments.made_by_a_trainer``)."""
    return user.role == Role.ADMIN


def reads_identities(user) -> bool:
    """Whether ``user`` reads who is behind an indicator figure (names, documents, exact
    dates, sites): admins. Analysts read pseudonyms (``indicators.drilldown``)."""
    return user.role == Role.ADMIN


def _holds(condition: ColumnElement[bool], target: ColumnElement[bool]) -> bool:
    # The constant rules need no query; the others ask the database about this one row.
    if isinstance(condition, True_):
        return True
    if isinstance(condition, False_):
        return False
    return bool(db.session.scalar(select(exists().where(target, condition))))


def can_view_cohort(user, cohort: Cohort) -> bool:
    """Whether ``user`` may open the cohort's page."""
    return _holds(cohorts_seen(user), Cohort.id == cohort.id)


def can_manage_cohort(user, cohort: Cohort) -> bool:
    """Whether ``user`` may add sessions to the cohort and take its attendance."""
    return _holds(cohorts_managed(user), Cohort.id == cohort.id)


def can_manage_session(user, session: CourseSession) -> bool:
    """Whether ``user`` may take the session's attendance (its cohort's rule)."""
    return _holds(cohorts_managed(user), Cohort.id == session.cohort_id)


def can_view_session(user, session: CourseSession) -> bool:
    """Whether ``user`` may open the session (its cohort's rule)."""
    return _holds(cohorts_seen(user), Cohort.id == session.cohort_id)


def can_manage_enrollment(user, enrollment: Enrollment) -> bool:
    """Whether ``user`` may change the enrollment's status (its cohort's rule)."""
    return _holds(cohorts_managed(user), Cohort.id == enrollment.cohort_id)


def can_view_person(user, person: Person) -> bool:
    """Whether ``user`` may read the person's data."""
    return _holds(people_seen(user), Person.id == person.id)


def can_view_enrollment(user, enrollment: Enrollment) -> bool:
    """Whether ``user`` may see the enrollment and its person's name."""
    return _holds(enrollments_seen(user), Enrollment.id == enrollment.id)
