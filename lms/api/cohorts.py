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
from lms.api.conventions import int_arg, paginated
from lms.api.core import STAFF, json_body, require_role, validated
from lms.api.openapi import doc, query
from lms.api.serialize import BOOL, DATE, INT, STR, Shape, array, page_schema
from lms.auth.decorators import forbid_unless
from lms.courses import services
from lms.courses.forms import CohortForm, SeriesForm, SessionForm
from lms.courses.models import Cohort, CourseSession
from lms.extensions import db
from lms.timeutil import local_today

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


def _visible_cohort(cohort_id: int) -> Cohort:
    cohort = db.get_or_404(Cohort, cohort_id)
    forbid_unless(policy.can_view_cohort(current_user, cohort))
    return cohort


@bp.get("/cohorts")
@doc(
    "Listar grupos (un formador ve solo los suyos)",
    response=page_schema(COHORT.schema),
    tags=("grupos",),
    params=(query("course_id", description="Solo este curso."),
            query("site_id", description="Solo esta sede.")),
)
def cohorts_list():
    """List the cohorts the token's user may see; filter with ?course_id= and ?site_id=."""
    require_role(*STAFF)
    query = services.cohort_list(policy.cohorts_seen(current_user))
    query = query.options(selectinload(Cohort.trainers))
    for arg, column in (("course_id", Cohort.course_id), ("site_id", Cohort.site_id)):
        value = int_arg(arg)
        if value is not None:
            query = query.where(column == value)
    body = paginated(query)
    counts = services.enrollment_counts(c.id for c in body["items"])
    body["items"] = [COHORT.dump(c, enrolled=counts.get(c.id, 0)) for c in body["items"]]
    return jsonify(body)


@bp.post("/cohorts")
@doc("Crear grupo (admin)", body=CohortForm, response=COHORT.schema, status=201, tags=("grupos",))
def cohorts_create():
    """Create a cohort with its trainers."""
    require_role("admin")
    cohort = services.save_cohort(validated(CohortForm).data)
    return jsonify(COHORT.dump(cohort, enrolled=0)), 201


@bp.get("/cohorts/<int:cohort_id>")
@doc("Ver grupo", response=COHORT.schema, tags=("grupos",))
def cohorts_get(cohort_id: int):
    """One cohort."""
    require_role(*STAFF)
    return jsonify(COHORT.dump(_visible_cohort(cohort_id)))


@bp.patch("/cohorts/<int:cohort_id>")
@doc("Modificar grupo (admin)", body=CohortForm, response=COHORT.schema, tags=("grupos",))
def cohorts_update(cohort_id: int):
    """Change some fields of a cohort; ``trainer_ids``, when sent, replaces the trainers."""
    require_role("admin")
    cohort = db.get_or_404(Cohort, cohort_id)
    payload = json_body(trainer_ids=[t.id for t in cohort.trainers])
    form = validated(CohortForm, payload, obj=cohort, cohort=cohort)
    services.save_cohort(form.data, cohort)
    return jsonify(COHORT.dump(cohort))


@bp.delete("/cohorts/<int:cohort_id>")
@doc("Eliminar grupo sin inscritos (admin)", status=204, tags=("grupos",))
def cohorts_delete(cohort_id: int):
    """Delete a cohort nobody is enrolled in."""
    require_role("admin")
    services.delete_cohort(db.get_or_404(Cohort, cohort_id))
    return "", 204


@bp.get("/cohorts/<int:cohort_id>/sessions")
@doc("Listar sesiones de un grupo", response=page_schema(SESSION.schema), tags=("sesiones",))
def sessions_list(cohort_id: int):
    """The sessions of a cohort, by date."""
    require_role(*STAFF)
    cohort = _visible_cohort(cohort_id)
    query = (
        select(CourseSession)
        .where(CourseSession.cohort_id == cohort.id)
        .order_by(CourseSession.date)
    )
    return jsonify(paginated(query, SESSION.dump))


@bp.post("/cohorts/<int:cohort_id>/sessions")
@doc(
    "Crear sesión (admin o formador del grupo)",
    body=SessionForm,
    response=SESSION.schema,
    status=201,
    tags=("sesiones",),
)
def sessions_create(cohort_id: int):
    """Add one session to a cohort."""
    cohort = db.get_or_404(Cohort, cohort_id)
    forbid_unless(policy.can_manage_cohort(current_user, cohort))
    form = validated(SessionForm)
    session = services.add_session(
        cohort, form.date.data, form.hours.data, form.start_time.data, form.topic.data or ""
    )
    return jsonify(SESSION.dump(session)), 201


@bp.post("/cohorts/<int:cohort_id>/sessions/series")
@doc(
    "Crear serie de sesiones: días de la semana (0 = lunes) entre dos fechas",
    body=SeriesForm,
    response=SERIES,
    status=201,
    tags=("sesiones",),
)
def sessions_series(cohort_id: int):
    """Add a recurring series; dates that already have a session are skipped and listed."""
    cohort = db.get_or_404(Cohort, cohort_id)
    forbid_unless(policy.can_manage_cohort(current_user, cohort))
    form = validated(SeriesForm)
    created, skipped, festive = services.add_series(cohort, **form.series())
    body = {
        "created": [SESSION.dump(s) for s in created],
        "skipped": [d.isoformat() for d in skipped],
        "holidays": {d.isoformat(): name for d, name in festive.items()},
    }
    return jsonify(body), 201


def _session(session_id: int) -> CourseSession:
    session = db.get_or_404(CourseSession, session_id)
    forbid_unless(policy.can_view_cohort(current_user, session.cohort))
    return session


@bp.get("/sessions/<int:session_id>")
@doc("Ver sesión", response=SESSION.schema, tags=("sesiones",))
def sessions_get(session_id: int):
    """One session."""
    require_role(*STAFF)
    return jsonify(SESSION.dump(_session(session_id)))


@bp.patch("/sessions/<int:session_id>")
@doc("Modificar sesión (admin)", body=SessionForm, response=SESSION.schema, tags=("sesiones",))
def sessions_update(session_id: int):
    """Change a session's date, time, duration or topic."""
    require_role("admin")
    session = _session(session_id)
    form = validated(SessionForm, obj=session)
    services.update_session(
        session, form.date.data, form.hours.data, form.start_time.data, form.topic.data or ""
    )
    return jsonify(SESSION.dump(session))


@bp.delete("/sessions/<int:session_id>")
@doc("Eliminar sesión sin asistencia (admin)", status=204, tags=("sesiones",))
def sessions_delete(session_id: int):
    """Delete a session that has no attendance marks."""
    require_role("admin")
    services.delete_session(_session(session_id))
    return "", 204
