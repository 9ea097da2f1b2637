"""API resources: cohorts and their sessions.

Reads follow Cohort.can_view (a trainer's token sees only their own cohorts). Cohort
writes are for admins; sessions may also be added by the cohort's own trainers, as on
the web page, while editing or deleting a session is for admins.
"""

from flask import jsonify, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from lms.api import bp
from lms.api.catalog import (
    BOOL,
    DATE,
    INT,
    NUM,
    STAFF,
    STR,
    merged_payload,
    obj,
    page_schema,
    paginated,
)
from lms.api.core import json_body, require_role, validated
from lms.api.openapi import doc
from lms.auth.decorators import forbid_unless
from lms.courses import services
from lms.courses.forms import CohortForm, SeriesForm, SessionForm
from lms.courses.models import Cohort, CourseSession
from lms.extensions import db

COHORT = obj(
    {
        "id": INT,
        "code": STR,
        "course_id": INT,
        "course_code": STR,
        "site_id": INT,
        "site_code": STR,
        "trainer_ids": {"type": "array", "items": INT},
        "start_date": DATE,
        "end_date": DATE,
        "capacity": INT,
        "modality": STR,
        "enrolled": INT,
    }
)
SESSION = obj(
    {
        "id": INT,
        "cohort_id": INT,
        "date": DATE,
        "start_time": {"type": "string", "nullable": True},
        "hours": NUM,
        "topic": STR,
        "today": BOOL,
    }
)
SERIES = obj(
    {"created": {"type": "array", "items": SESSION}, "skipped": {"type": "array", "items": DATE}}
)


def dump_cohort(cohort: Cohort, enrolled: int | None = None) -> dict:
    """A cohort as JSON."""
    if enrolled is None:
        enrolled = services.enrollment_counts([cohort.id]).get(cohort.id, 0)
    return {
        "id": cohort.id,
        "code": cohort.code,
        "course_id": cohort.course_id,
        "course_code": cohort.course.code,
        "site_id": cohort.site_id,
        "site_code": cohort.site.code,
        "trainer_ids": sorted(t.id for t in cohort.trainers),
        "start_date": cohort.start_date.isoformat(),
        "end_date": cohort.end_date.isoformat(),
        "capacity": cohort.capacity,
        "modality": cohort.modality,
        "enrolled": enrolled,
    }


def dump_session(session: CourseSession) -> dict:
    """A session as JSON."""
    return {
        "id": session.id,
        "cohort_id": session.cohort_id,
        "date": session.date.isoformat(),
        "start_time": session.start_time.strftime("%H:%M") if session.start_time else None,
        "hours": float(session.hours),
        "topic": session.topic,
        "today": session.date == services.local_today(),
    }


def _visible_cohort(cohort_id: int) -> Cohort:
    cohort = db.get_or_404(Cohort, cohort_id)
    forbid_unless(cohort.can_view(current_user))
    return cohort


@bp.get("/cohorts")
@doc(
    "Listar grupos (un formador ve solo los suyos)", response=page_schema(COHORT), tags=("grupos",)
)
def cohorts_list():
    """List the cohorts the token's user may see; filter with ?course_id= and ?site_id=."""
    require_role(*STAFF)
    query = services.visible_cohorts(current_user).options(selectinload(Cohort.trainers))
    for arg, column in (("course_id", Cohort.course_id), ("site_id", Cohort.site_id)):
        value = request.args.get(arg, type=int)
        if value is not None:
            query = query.where(column == value)
    body = paginated(query, lambda c: c)
    counts = services.enrollment_counts(c.id for c in body["items"])
    body["items"] = [dump_cohort(c, counts.get(c.id, 0)) for c in body["items"]]
    return jsonify(body)


@bp.post("/cohorts")
@doc("Crear grupo (admin)", body=CohortForm, response=COHORT, status=201, tags=("grupos",))
def cohorts_create():
    """Create a cohort with its trainers."""
    require_role("admin")
    cohort = services.save_cohort(validated(CohortForm).data)
    db.session.commit()
    return jsonify(dump_cohort(cohort, 0)), 201


@bp.get("/cohorts/<int:cohort_id>")
@doc("Ver grupo", response=COHORT, tags=("grupos",))
def cohorts_get(cohort_id: int):
    """One cohort."""
    require_role(*STAFF)
    return jsonify(dump_cohort(_visible_cohort(cohort_id)))


@bp.patch("/cohorts/<int:cohort_id>")
@doc("Modificar grupo (admin)", body=CohortForm, response=COHORT, tags=("grupos",))
def cohorts_update(cohort_id: int):
    """Change some fields of a cohort; ``trainer_ids``, when sent, replaces the trainers."""
    require_role("admin")
    cohort = db.get_or_404(Cohort, cohort_id)
    payload = json_body()
    payload.setdefault("trainer_ids", [t.id for t in cohort.trainers])
    form = validated(
        CohortForm, merged_payload(CohortForm, cohort, payload, cohort=cohort), cohort=cohort
    )
    services.save_cohort(form.data, cohort)
    db.session.commit()
    return jsonify(dump_cohort(cohort))


@bp.delete("/cohorts/<int:cohort_id>")
@doc("Eliminar grupo sin inscritos (admin)", status=204, tags=("grupos",))
def cohorts_delete(cohort_id: int):
    """Delete a cohort nobody is enrolled in."""
    require_role("admin")
    services.delete_cohort(db.get_or_404(Cohort, cohort_id))
    db.session.commit()
    return "", 204


@bp.get("/cohorts/<int:cohort_id>/sessions")
@doc("Listar sesiones de un grupo", response=page_schema(SESSION), tags=("sesiones",))
def sessions_list(cohort_id: int):
    """The sessions of a cohort, by date."""
    require_role(*STAFF)
    cohort = _visible_cohort(cohort_id)
    query = (
        select(CourseSession)
        .where(CourseSession.cohort_id == cohort.id)
        .order_by(CourseSession.date)
    )
    return jsonify(paginated(query, dump_session))


@bp.post("/cohorts/<int:cohort_id>/sessions")
@doc(
    "Crear sesión (admin o formador del grupo)",
    body=SessionForm,
    response=SESSION,
    status=201,
    tags=("sesiones",),
)
def sessions_create(cohort_id: int):
    """Add one session to a cohort."""
    cohort = db.get_or_404(Cohort, cohort_id)
    forbid_unless(cohort.can_manage(current_user))
    form = validated(SessionForm)
    session = services.add_session(
        cohort, form.date.data, form.hours.data, form.start_time.data, form.topic.data or ""
    )
    db.session.commit()
    return jsonify(dump_session(session)), 201


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
    forbid_unless(cohort.can_manage(current_user))
    form = validated(SeriesForm)
    created, skipped = services.add_series(
        cohort,
        form.first_date.data,
        form.last_date.data,
        form.weekdays.data,
        form.hours.data,
        form.start_time.data,
        form.topic.data or "",
    )
    db.session.commit()
    body = {
        "created": [dump_session(s) for s in created],
        "skipped": [d.isoformat() for d in skipped],
    }
    return jsonify(body), 201


def _session(session_id: int) -> CourseSession:
    session = db.get_or_404(CourseSession, session_id)
    forbid_unless(session.cohort.can_view(current_user))
    return session


@bp.get("/sessions/<int:session_id>")
@doc("Ver sesión", response=SESSION, tags=("sesiones",))
def sessions_get(session_id: int):
    """One session."""
    require_role(*STAFF)
    return jsonify(dump_session(_session(session_id)))


@bp.patch("/sessions/<int:session_id>")
@doc("Modificar sesión (admin)", body=SessionForm, response=SESSION, tags=("sesiones",))
def sessions_update(session_id: int):
    """Change a session's date, time, duration or topic."""
    require_role("admin")
    session = _session(session_id)
    form = validated(SessionForm, merged_payload(SessionForm, session))
    services.update_session(
        session, form.date.data, form.hours.data, form.start_time.data, form.topic.data or ""
    )
    db.session.commit()
    return jsonify(dump_session(session))


@bp.delete("/sessions/<int:session_id>")
@doc("Eliminar sesión sin asistencia (admin)", status=204, tags=("sesiones",))
def sessions_delete(session_id: int):
    """Delete a session that has no attendance marks."""
    require_role("admin")
    services.delete_session(_session(session_id))
    db.session.commit()
    return "", 204
