"""Cohorts ("Mis grupos" for trainers) and their sessions; sites and catalog pages live in
site_views.py and catalog_views.py on the same blueprint."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.auth.decorators import admin_required, forbid_unless, staff_required
from lms.courses import services
from lms.courses.cohorts import fmt
from lms.courses.forms import CohortForm, SeriesForm, SessionForm, show_errors
from lms.courses.models import ENROLLMENT_STATUSES, Cohort, CourseSession, Enrollment
from lms.errors import ValidationError
from lms.extensions import db

bp = Blueprint("courses", __name__)


@bp.app_template_filter("hours")
def hours_filter(value) -> str:
    """Hours as people write them: 20, 2,5 (no trailing zeros, decimal comma)."""
    if value is None:
        return "—"
    text = f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"
    return text.replace(".", ",")


@bp.route("/grupos")
@staff_required
def cohorts():
    """List cohorts: every one for admins and analysts, only their own for trainers."""
    query = services.visible_cohorts(current_user).options(selectinload(Cohort.trainers))
    page = db.paginate(query, per_page=50, error_out=False)
    counts = services.enrollment_counts(c.id for c in page.items)
    return render_template("courses/cohorts.html", page=page, counts=counts)


@bp.route("/grupos/<int:cohort_id>")
@staff_required
def cohort(cohort_id: int):
    """A cohort's sessions and people; analysts see counts only, never names."""
    item = db.get_or_404(Cohort, cohort_id)
    forbid_unless(item.can_view(current_user))
    enrollments, by_status = [], {}
    if current_user.is_analyst:
        for enrollment in _enrollments(item):
            by_status[enrollment.status] = by_status.get(enrollment.status, 0) + 1
    else:
        enrollments = _enrollments(item)
    return render_template(
        "courses/cohort.html",
        cohort=item,
        enrollments=enrollments,
        by_status=by_status,
        statuses=ENROLLMENT_STATUSES,
        today=services.local_today(),
        can_add_sessions=item.can_manage(current_user),
    )


def _enrollments(cohort: Cohort) -> list[Enrollment]:
    return list(
        db.session.scalars(
            select(Enrollment).where(Enrollment.cohort_id == cohort.id).order_by(Enrollment.id)
        )
    )


@bp.route("/grupos/nuevo", methods=["GET", "POST"])
@bp.route("/grupos/<int:cohort_id>/editar", methods=["GET", "POST"])
@admin_required
def cohort_form(cohort_id: int | None = None):
    """Create or edit a cohort, assigning its trainers."""
    item = db.get_or_404(Cohort, cohort_id) if cohort_id else None
    form = CohortForm(obj=item, cohort=item)
    if item is not None and request.method == "GET":
        form.trainer_ids.data = [t.id for t in item.trainers]
    if form.validate_on_submit():
        try:
            item = services.save_cohort(form.data, item)
        except ValidationError as exc:
            show_errors(exc, form)
        else:
            db.session.commit()
            flash(_("Grupo %(code)s guardado.", code=item.code), "success")
            return redirect(url_for("courses.cohort", cohort_id=item.id))
    return render_template(
        "courses/edit.html",
        form=form,
        title=_("Editar grupo %(code)s", code=item.code) if item else _("Nuevo grupo"),
        back=url_for("courses.cohort", cohort_id=item.id) if item else url_for("courses.cohorts"),
        delete_url=url_for("courses.delete_cohort", cohort_id=item.id) if item else None,
    )


@bp.route("/grupos/<int:cohort_id>/eliminar", methods=["POST"])
@admin_required
def delete_cohort(cohort_id: int):
    """Delete a cohort nobody is enrolled in."""
    item = db.get_or_404(Cohort, cohort_id)
    try:
        services.delete_cohort(item)
    except ValidationError as exc:
        flash(exc.message, "error")
        return redirect(url_for("courses.cohort", cohort_id=item.id))
    db.session.commit()
    flash(_("Grupo eliminado."), "success")
    return redirect(url_for("courses.cohorts"))


@bp.route("/grupos/<int:cohort_id>/sesiones/nueva", methods=["GET", "POST"])
@staff_required
def session_new(cohort_id: int):
    """Add one session (admins, and the cohort's own trainers)."""
    item = db.get_or_404(Cohort, cohort_id)
    forbid_unless(item.can_manage(current_user))
    form = SessionForm()
    if form.validate_on_submit():
        try:
            session = services.add_session(
                item, form.date.data, form.hours.data, form.start_time.data, form.topic.data or ""
            )
        except ValidationError as exc:
            show_errors(exc, form)
        else:
            db.session.commit()
            flash(_("Sesión del %(date)s creada.", date=fmt(session.date)), "success")
            return redirect(url_for("courses.cohort", cohort_id=item.id))
    return _session_page(form, item, _("Nueva sesión · %(code)s", code=item.code))


@bp.route("/grupos/<int:cohort_id>/sesiones/serie", methods=["GET", "POST"])
@staff_required
def session_series(cohort_id: int):
    """Add a recurring series of sessions on chosen weekdays between two dates."""
    item = db.get_or_404(Cohort, cohort_id)
    forbid_unless(item.can_manage(current_user))
    form = SeriesForm()
    if request.method == "GET":
        form.first_date.data, form.last_date.data = item.start_date, item.end_date
    if form.validate_on_submit():
        try:
            created, skipped = services.add_series(
                item,
                form.first_date.data,
                form.last_date.data,
                form.weekdays.data,
                form.hours.data,
                form.start_time.data,
                form.topic.data or "",
            )
        except ValidationError as exc:
            show_errors(exc, form)
        else:
            db.session.commit()
            flash(_("Se crearon %(count)s sesiones.", count=len(created)), "success")
            if skipped:
                days = ", ".join(fmt(d) for d in skipped)
                flash(
                    _(
                        "Se omitieron %(count)s fechas que ya tenían sesión: %(days)s.",
                        count=len(skipped),
                        days=days,
                    ),
                    "info",
                )
            return redirect(url_for("courses.cohort", cohort_id=item.id))
    return _session_page(form, item, _("Serie de sesiones · %(code)s", code=item.code))


@bp.route("/sesiones/<int:session_id>/editar", methods=["GET", "POST"])
@admin_required
def session_edit(session_id: int):
    """Change a session's date, time, duration or topic."""
    session = db.get_or_404(CourseSession, session_id)
    form = SessionForm(obj=session)
    if form.validate_on_submit():
        try:
            services.update_session(
                session,
                form.date.data,
                form.hours.data,
                form.start_time.data,
                form.topic.data or "",
            )
        except ValidationError as exc:
            show_errors(exc, form)
        else:
            db.session.commit()
            flash(_("Sesión guardada."), "success")
            return redirect(url_for("courses.cohort", cohort_id=session.cohort_id))
    return _session_page(
        form,
        session.cohort,
        _("Sesión del %(date)s · %(code)s", date=fmt(session.date), code=session.cohort.code),
        url_for("courses.session_delete", session_id=session.id),
    )


@bp.route("/sesiones/<int:session_id>/eliminar", methods=["POST"])
@admin_required
def session_delete(session_id: int):
    """Delete a session that has no attendance marks."""
    session = db.get_or_404(CourseSession, session_id)
    cohort_id = session.cohort_id
    try:
        services.delete_session(session)
    except ValidationError as exc:
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Sesión eliminada."), "success")
    return redirect(url_for("courses.cohort", cohort_id=cohort_id))


def _session_page(form, cohort: Cohort, title: str, delete_url: str | None = None):
    return render_template(
        "courses/edit.html",
        form=form,
        title=title,
        subtitle=_(
            "%(course)s · del %(start)s al %(end)s",
            course=cohort.course.name,
            start=fmt(cohort.start_date),
            end=fmt(cohort.end_date),
        ),
        back=url_for("courses.cohort", cohort_id=cohort.id),
        delete_url=delete_url,
    )


# The other pages register on ``bp`` too; imported last because they import it from here.
from lms.courses import catalog_views, site_views  # noqa: E402, F401
