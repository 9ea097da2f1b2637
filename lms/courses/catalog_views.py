"""Catalog pages (admin): plan indicators and courses (rules in blueprint.py)."""

from flask import render_template, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.auth.models import Role
from lms.courses import services
from lms.courses.forms import CourseForm, IndicatorForm
from lms.courses.models import DOCUMENT_KINDS, RULES, Course, PlanIndicator
from lms.courses.pages import Named
from lms.extensions import db
from lms.formatting import labels
from lms.web import loads, requires

INDICATOR = Named(
    _l("Indicador %(code)s"), _l("Nuevo indicador del plan"), _l("Indicador %(code)s guardado."),
    _l("Indicador eliminado."), "courses.indicator_delete", "indicator_id",
)
COURSE = Named(
    _l("Curso %(code)s"), _l("Nuevo curso"), _l("Curso %(code)s guardado."),
    _l("Curso eliminado."), "courses.course_delete", "course_id",
)


def _catalog(_saved=None) -> str:
    return url_for("courses.catalog")


@requires(Role.ADMIN)
def catalog():
    """List plan indicators and courses."""
    indicators = db.session.scalars(
        select(PlanIndicator).order_by(PlanIndicator.period_start.desc(), PlanIndicator.code)
    ).all()
    courses = db.session.scalars(select(Course).order_by(Course.active.desc(), Course.code)).all()
    return render_template(
        "courses/catalog.html",
        indicators=indicators,
        courses=courses,
        rules=labels(RULES),
        document_kinds=labels(DOCUMENT_KINDS),
    )


@requires(Role.ADMIN)
@loads("indicator_id", PlanIndicator, optional=True)
def indicator_form(indicator: PlanIndicator | None):
    """Create or edit a plan indicator."""
    form = IndicatorForm(obj=indicator)
    return INDICATOR.form(form, indicator, services.save_indicator, then=_catalog, back=_catalog())


@requires(Role.ADMIN)
@loads("indicator_id", PlanIndicator)
def indicator_delete(indicator: PlanIndicator):
    """Delete a plan indicator no course depends on."""
    remove = services.delete_indicator
    return INDICATOR.remove(remove, indicator, done=_catalog(), refused=_catalog())


@requires(Role.ADMIN)
@loads("course_id", Course, optional=True)
def course_form(course: Course | None):
    """Create or edit a course."""
    return COURSE.form(
        CourseForm(obj=course), course, services.save_course, then=_catalog, back=_catalog()
    )


@requires(Role.ADMIN)
@loads("course_id", Course)
def course_delete(course: Course):
    """Delete a course no cohort uses."""
    refused = url_for("courses.course_form", course_id=course.id)
    return COURSE.remove(services.delete_course, course, done=_catalog(), refused=refused)
