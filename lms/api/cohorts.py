"""API resources: cohorts and their sessions.

Reads follow policy.can_view_cohort (a trainer's token sees only their own cohorts). Cohort
writes are for admins; sessions may also be added by the cohort's own trainers, as on
the web page, while editing or deleting a session is for admins.
"""

from flask import jsonify
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms import policy
from lms.api import bp
from lms.api.core import validated
from lms.api.openapi import doc
from lms.api.resource import Filter, Parent, Resource
from lms.api.serialize import BOOL, DATE, INT, STR, Shape, array
from lms.courses import services
from lms.courses.forms import CohortForm, SeriesForm, SessionForm
from lms.courses.models import Cohort, CourseSession
from lms.policy import STAFF
from lms.timeutil import local_today
from lms.web import loads, requires

COHORT = Shape(
    Cohort,
    "id code course_id site_id start_date end_date capacity modality",
    course_code=(STR, lambda c: c.course.code),
    site_code=(STR, lambda c: c.site.code),
    trainer_ids=(array(INT), lambda c: sorted(t.id for t in c.trainers)),
    # List views pass the counts of a whole page at once instead of one query per cohort.
    enrolled=(INT, lambda c: services.enrollment_counts([c.id]).get(c.id, 0)),
)
SESSION = Shape(
    CourseSession,
    "id cohort_id date start_time hours topic",
    today=(BOOL, lambda s: s.date == local_today()),
)
SERIES = {
    "type": "object",
    "properties": {
        "created": array(SESSION.schema),
        "skipped": array(DATE),
        "holidays": {"type": "object", "additionalProperties": {"type": "string"},
                     "description": "Festivos de Colombia entre los días elegidos: fecha → nombre"},
    },
}


def _dump_cohorts(cohorts) -> list[dict]:
    # The counts of a whole page at once instead of one query per cohort.
    counts = services.enrollment_counts(c.id for c in cohorts)
    return [COHORT.dump(c, enrolled=counts.get(c.id, 0)) for c in cohorts]


def _visible_cohorts():
    query = services.cohort_list(policy.cohorts_seen(current_user))
    return query.options(selectinload(Cohort.trainers))


cohorts = Resource("cohorts", Cohort, COHORT, tag="grupos", param="cohort_id",
                   can_read=policy.can_view_cohort)
cohorts.list("Listar grupos (un formador ve solo los suyos)", _visible_cohorts,
             filters=(Filter("course_id", Cohort.course_id, "Solo este curso."),
                      Filter("site_id", Cohort.site_id, "Solo esta sede.")),
             dump_page=_dump_cohorts)
cohorts.create("Crear grupo (admin)", CohortForm, lambda form: services.save_cohort(form.data))
cohorts.read("Ver grupo")
# ``trainer_ids``, when sent, replaces the trainers.
cohorts.update("Modificar grupo (admin)", CohortForm,
               lambda cohort, form: services.save_cohort(form.data, cohort),
               defaults=lambda cohort: {"trainer_ids": [t.id for t in cohort.trainers]},
               form_args=lambda cohort: {"cohort": cohort})
cohorts.delete("Eliminar grupo sin inscritos (admin)", services.delete_cohort)


def _session_fields(form) -> tuple:
    return form.date.data, form.hours.data, form.start_time.data, form.topic.data or ""


sessions = Resource("sessions", CourseSession, SESSION, tag="sesiones", param="session_id",
                    can_read=policy.can_view_session, can_write=policy.can_view_session)
sessions.list("Listar sesiones de un grupo",
              lambda cohort: select(CourseSession).where(CourseSession.cohort_id == cohort.id)
              .order_by(CourseSession.date),
              parent=Parent("/cohorts", "cohort_id", Cohort, policy.can_view_cohort))
# Sessions may also be added by the cohort's own trainers, as on the web page.
sessions.create("Crear sesión (admin o formador del grupo)", SessionForm,
                lambda form, cohort: services.add_session(cohort, *_session_fields(form)),
                parent=Parent("/cohorts", "cohort_id", Cohort, policy.can_manage_cohort),
                roles=STAFF)


@bp.post("/cohorts/<int:cohort_id>/sessions/series")
@doc(
    "Crear serie de sesiones: días de la semana (0 = lunes) entre dos fechas",
    body=SeriesForm,
    response=SERIES,
    status=201,
    tags=("sesiones",),
)
@requires(*STAFF)
@loads("cohort_id", Cohort, can=policy.can_manage_cohort)
def sessions_series(cohort: Cohort):
    """Add a recurring series; dates that already have a session are skipped and listed."""
    form = validated(SeriesForm)
    created, skipped, festive = services.add_series(cohort, **form.series())
    body = {
        "created": [SESSION.dump(s) for s in created],
        "skipped": [d.isoformat() for d in skipped],
        "holidays": {d.isoformat(): name for d, name in festive.items()},
    }
    return jsonify(body), 201


sessions.read("Ver sesión")
sessions.update("Modificar sesión (admin)", SessionForm,
                lambda session, form: services.update_session(session, *_session_fields(form)))
sessions.delete("Eliminar sesión sin asistencia (admin)", services.delete_session)
