"""Linking an LMS course (context) to a cohort: an existing one the instructor manages, or
one created from the catalog with the instructor as its trainer."""

from flask_babel import gettext as _
from sqlalchemy import select

from lms import policy
from lms.audit.services import record
from lms.courses.models import Cohort, Enrollment
from lms.courses.services import save_cohort
from lms.errors import ValidationError
from lms.extensions import db
from lms.lti.grades import queue_for
from lms.lti.models import Context


def cohorts_to_pick(user) -> list[Cohort]:
    """Cohorts ``user`` may manage, newest first."""
    return list(db.session.scalars(select(Cohort).where(policy.cohorts_managed(user))
                                   .order_by(Cohort.start_date.desc(), Cohort.id.desc())))


def managed_cohort(cohort_id, user) -> Cohort:
    """The cohort ``cohort_id`` if ``user`` manages it, else a ValidationError on the field."""
    cohort = db.session.get(Cohort, cohort_id) if isinstance(cohort_id, int) else None
    if cohort is None or not policy.can_manage_cohort(user, cohort):
        raise ValidationError(_("Elija uno de sus grupos."), field="cohort_id")
    return cohort


def link(context: Context, cohort_id, user) -> Cohort:
    """Open ``context`` on the cohort ``cohort_id``, which ``user`` must manage."""
    cohort = managed_cohort(cohort_id, user)
    context.cohort_id = cohort.id
    db.session.flush()
    record("lti_link", context, {"cohort_id": cohort.id})
    queue_for(list(db.session.scalars(select(Enrollment.id).where(
        Enrollment.cohort_id == cohort.id))))
    return cohort


def create_and_link(context: Context, data: dict, user) -> Cohort:
    """Create a cohort from the catalog, taught by ``user``, and link ``context`` to it."""
    cohort = save_cohort({**data, "trainer_ids": [user.id]})
    context.cohort_id = cohort.id
    db.session.flush()
    record("lti_link", context, {"cohort_id": cohort.id, "created": True})
    return cohort
