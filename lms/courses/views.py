"""Cohorts: "Mis grupos" for trainers, a cohort's page, and the admin's edits (rules in
blueprint.py). Who sees and manages a cohort: lms.policy."""

from flask import render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms import policy
from lms.auth.models import Role
from lms.courses import cohort_search, services
from lms.courses.filter_forms import CohortFilterForm
from lms.courses.forms import CohortForm
from lms.courses.models import ENROLLMENT_STATUSES, Cohort, Course, Enrollment, Site
from lms.courses.pages import Named
from lms.extensions import db
from lms.formatting import labels
from lms.timeutil import local_today
from lms.web import loads, requires

#: Cohorts per page of the list.
PER_PAGE = 25

COHORT = Named(
    _l("Editar grupo %(code)s"), _l("Nuevo grupo"), _l("Grupo %(code)s guardado."),
    _l("Grupo eliminado."), "courses.delete_cohort", "cohort_id",
)


def _cohort_page(cohort: Cohort) -> str:
    return url_for("courses.cohort", cohort_id=cohort.id)


@requires(*policy.STAFF)
def cohorts():
    """List cohorts, searched and filtered: all for admins and analysts, a trainer's own."""
    seen = policy.cohorts_seen(current_user)
    form = CohortFilterForm(request.args)
    form.fill(courses=cohort_search.choices_of(Course, seen),
              sites=cohort_search.choices_of(Site, seen),
              trainers=None if current_user.is_trainer else cohort_search.trainer_choices(),
              years=cohort_search.years(seen))
    query = cohort_search.search(seen, form.filters(), local_today())
    page = db.paginate(query.options(selectinload(Cohort.trainers)), per_page=PER_PAGE,
                       error_out=False)
    counts = services.enrollment_counts(c.id for c in page.items)
    return render_template("courses/cohorts.html", page=page, counts=counts, form=form,
                           args=form.active())


@requires(*policy.STAFF)
@loads("cohort_id", Cohort, can=policy.can_view_cohort)
def cohort(cohort: Cohort):
    """A cohort's sessions and people; analysts see counts only, never names."""
    enrollments = db.session.scalars(
        select(Enrollment).where(Enrollment.cohort_id == cohort.id).order_by(Enrollment.id)
    ).all()
    by_status = {}
    if current_user.is_analyst:
        for enrollment in enrollments:
            by_status[enrollment.status] = by_status.get(enrollment.status, 0) + 1
        enrollments = []
    return render_template(
        "courses/cohort.html",
        cohort=cohort,
        enrollments=enrollments,
        by_status=by_status,
        statuses=labels(ENROLLMENT_STATUSES),
        today=local_today(),
        can_add_sessions=policy.can_manage_cohort(current_user, cohort),
    )


@requires(Role.ADMIN)
@loads("cohort_id", Cohort, optional=True)
def cohort_form(cohort: Cohort | None):
    """Create or edit a cohort, assigning its trainers."""
    form = CohortForm(obj=cohort, cohort=cohort)
    if cohort is not None and request.method == "GET":
        form.trainer_ids.data = [t.id for t in cohort.trainers]
    back = _cohort_page(cohort) if cohort else url_for("courses.cohorts")
    return COHORT.form(form, cohort, services.save_cohort, then=_cohort_page, back=back)


@requires(Role.ADMIN)
@loads("cohort_id", Cohort)
def delete_cohort(cohort: Cohort):
    """Delete a cohort nobody is enrolled in."""
    done, refused = url_for("courses.cohorts"), _cohort_page(cohort)
    return COHORT.remove(services.delete_cohort, cohort, done=done, refused=refused)
