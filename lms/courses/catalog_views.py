"""Catalog pages (admin): plan indicators and courses."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lms.auth.decorators import admin_required
from lms.courses import services
from lms.courses.forms import CourseForm, IndicatorForm, show_errors
from lms.courses.models import DOCUMENT_KINDS, RULES, Course, PlanIndicator
from lms.courses.views import bp
from lms.errors import ValidationError
from lms.extensions import db


@bp.route("/catalogo")
@admin_required
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
        rules=RULES,
        document_kinds=DOCUMENT_KINDS,
    )


@bp.route("/catalogo/indicadores/nuevo", methods=["GET", "POST"])
@bp.route("/catalogo/indicadores/<int:indicator_id>", methods=["GET", "POST"])
@admin_required
def indicator_form(indicator_id: int | None = None):
    """Create or edit a plan indicator."""
    indicator = db.get_or_404(PlanIndicator, indicator_id) if indicator_id else None
    form = IndicatorForm(obj=indicator)
    if form.validate_on_submit():
        try:
            indicator = services.save_indicator(form.data, indicator)
        except ValidationError as exc:
            show_errors(exc, form)
        else:
            db.session.commit()
            flash(_("Indicador %(code)s guardado.", code=indicator.code), "success")
            return redirect(url_for("courses.catalog"))
    delete = url_for("courses.indicator_delete", indicator_id=indicator.id) if indicator else None
    return render_template(
        "courses/edit.html",
        form=form,
        title=(
            _("Indicador %(code)s", code=indicator.code)
            if indicator
            else _("Nuevo indicador del plan")
        ),
        back=url_for("courses.catalog"),
        delete_url=delete,
    )


@bp.route("/catalogo/indicadores/<int:indicator_id>/eliminar", methods=["POST"])
@admin_required
def indicator_delete(indicator_id: int):
    """Delete a plan indicator no course depends on."""
    indicator = db.get_or_404(PlanIndicator, indicator_id)
    try:
        services.delete_indicator(indicator)
    except ValidationError as exc:
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Indicador eliminado."), "success")
    return redirect(url_for("courses.catalog"))


@bp.route("/catalogo/cursos/nuevo", methods=["GET", "POST"])
@bp.route("/catalogo/cursos/<int:course_id>", methods=["GET", "POST"])
@admin_required
def course_form(course_id: int | None = None):
    """Create or edit a course."""
    course = db.get_or_404(Course, course_id) if course_id else None
    form = CourseForm(obj=course)
    if form.validate_on_submit():
        try:
            course = services.save_course(form.data, course)
        except ValidationError as exc:
            show_errors(exc, form)
        else:
            db.session.commit()
            flash(_("Curso %(code)s guardado.", code=course.code), "success")
            return redirect(url_for("courses.catalog"))
    return render_template(
        "courses/edit.html",
        form=form,
        title=_("Curso %(code)s", code=course.code) if course else _("Nuevo curso"),
        back=url_for("courses.catalog"),
        delete_url=url_for("courses.course_delete", course_id=course.id) if course else None,
    )


@bp.route("/catalogo/cursos/<int:course_id>/eliminar", methods=["POST"])
@admin_required
def course_delete(course_id: int):
    """Delete a course no cohort uses."""
    course = db.get_or_404(Course, course_id)
    try:
        services.delete_course(course)
    except ValidationError as exc:
        flash(exc.message, "error")
        return redirect(url_for("courses.course_form", course_id=course.id))
    db.session.commit()
    flash(_("Curso eliminado."), "success")
    return redirect(url_for("courses.catalog"))
