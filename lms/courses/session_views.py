"""Sessions of a cohort: one, a weekly series, edits (rules in blueprint.py).

Admins and the cohort's own trainers add sessions (lms.policy); only admins change or
delete them.
"""

from flask import flash, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from lms import policy
from lms.auth.models import Role
from lms.courses import services
from lms.courses.cohorts import fmt
from lms.courses.forms import SeriesForm, SessionForm
from lms.courses.models import Cohort, CourseSession
from lms.courses.pages import delete_record, edit_record
from lms.web import loads, requires


def _cohort_page(result) -> str:
    return url_for("courses.cohort", cohort_id=result.cohort_id)


def _page(cohort: Cohort, title: str, delete_url: str | None = None) -> dict:
    return {
        "title": title,
        "subtitle": _(
            "%(course)s · del %(start)s al %(end)s",
            course=cohort.course.name,
            start=fmt(cohort.start_date),
            end=fmt(cohort.end_date),
        ),
        "back": url_for("courses.cohort", cohort_id=cohort.id),
        "delete_url": delete_url,
    }


@requires(Role.ADMIN, Role.TRAINER)
@loads("cohort_id", Cohort, can=policy.can_manage_cohort)
def session_new(cohort: Cohort):
    """Add one session (admins, and the cohort's own trainers)."""
    form = SessionForm()
    return edit_record(
        form,
        lambda: services.add_session(cohort, **form.session()),
        lambda saved: _("Sesión del %(date)s creada.", date=fmt(saved.date)),
        then=_cohort_page,
        **_page(cohort, _("Nueva sesión · %(code)s", code=cohort.code)),
    )


def _series_saved(result: services.Series) -> None:
    created, skipped, festive = result
    flash(ngettext("Se creó %(num)d sesión.", "Se crearon %(num)d sesiones.", len(created)),
          "success")
    if skipped:
        days = ", ".join(fmt(d) for d in skipped)
        flash(ngettext("Se omitió %(num)d fecha que ya tenía sesión: %(days)s.",
                       "Se omitieron %(num)d fechas que ya tenían sesión: %(days)s.",
                       len(skipped), days=days), "info")
    if festive:
        days = ", ".join(f"{fmt(d)} ({name})" for d, name in festive.items())
        kept = any(s.date in festive for s in created)
        flash(ngettext("Día festivo en la serie, sin sesión: %(days)s.",
                       "Días festivos en la serie, sin sesión: %(days)s.", len(festive), days=days)
              if not kept else
              ngettext("Atención: se programó una sesión en día festivo: %(days)s.",
                       "Atención: se programaron sesiones en días festivos: %(days)s.",
                       len(festive), days=days), "warning")


@requires(Role.ADMIN, Role.TRAINER)
@loads("cohort_id", Cohort, can=policy.can_manage_cohort)
def session_series(cohort: Cohort):
    """Add a recurring series of sessions on chosen weekdays between two dates."""
    form = SeriesForm()
    if request.method == "GET":
        form.first_date.data, form.last_date.data = cohort.start_date, cohort.end_date
    page = _page(cohort, _("Serie de sesiones · %(code)s", code=cohort.code))
    return edit_record(
        form,
        lambda: services.add_series(cohort, **form.series()),
        _series_saved,
        then=lambda _result: page["back"],
        **page,
    )


@requires(Role.ADMIN)
@loads("session_id", CourseSession)
def session_edit(session: CourseSession):
    """Change a session's date, time, duration or topic."""
    form = SessionForm(obj=session)
    title = _("Sesión del %(date)s · %(code)s", date=fmt(session.date), code=session.cohort.code)
    delete_url = url_for("courses.session_delete", session_id=session.id)
    return edit_record(
        form,
        lambda: services.update_session(session, **form.session()),
        lambda _saved: _("Sesión guardada."),
        then=_cohort_page,
        **_page(session.cohort, title, delete_url),
    )


@requires(Role.ADMIN)
@loads("session_id", CourseSession)
def session_delete(session: CourseSession):
    """Delete a session that has no attendance marks."""
    back = url_for("courses.cohort", cohort_id=session.cohort_id)
    return delete_record(
        lambda: services.delete_session(session), _("Sesión eliminada."), done=back, refused=back
    )
