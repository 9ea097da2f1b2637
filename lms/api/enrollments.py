"""API resource: enrollments (imported by lms/api/people.py, its sibling resource)."""

from flask import abort, jsonify, request
from flask_login import current_user
from sqlalchemy import select

from lms.api import bp
from lms.api.core import json_body, page_args, require_role, validated
from lms.api.openapi import doc
from lms.api.people import ENROLLMENT, check_types, enrollment_json, list_of, page_body
from lms.courses import enrollments as services
from lms.courses.models import Cohort, Enrollment
from lms.errors import ValidationError
from lms.extensions import db
from lms.people.forms import EnrollmentApiForm, StatusForm
from lms.people.models import Person


def _load(enrollment_id: int, *, manage: bool = False) -> Enrollment:
    require_role("admin", "trainer")
    enrollment = db.get_or_404(Enrollment, enrollment_id)
    allowed = enrollment.cohort.can_manage if manage else enrollment.cohort.can_view
    if not allowed(current_user):
        abort(403)
    return enrollment


@bp.route("/enrollments", methods=["GET"])
@doc(
    "Inscripciones (?cohort_id=, ?person_id=)", response=list_of(ENROLLMENT), tags=("enrollments",)
)
def enrollments_list():
    """List enrollments; a trainer only those of their cohorts."""
    require_role("admin", "trainer")
    page, per_page = page_args()
    query = select(Enrollment).order_by(Enrollment.id)
    for arg, column in (("cohort_id", Enrollment.cohort_id), ("person_id", Enrollment.person_id)):
        if arg in request.args:
            value = request.args.get(arg, type=int)
            if value is None:
                raise ValidationError("Debe ser un número entero.", arg, status=400)
            query = query.where(column == value)
    if not current_user.is_admin:
        query = query.where(Enrollment.cohort_id.in_(services.trainer_cohort_ids(current_user)))
    result = db.paginate(query, page=page, per_page=per_page, error_out=False)
    items = [enrollment_json(e) for e in result.items]
    return jsonify(page_body(items, result.total, page, per_page))


@bp.route("/enrollments", methods=["POST"])
@doc(
    "Inscribir una persona en un grupo",
    body=EnrollmentApiForm,
    response=ENROLLMENT,
    status=201,
    tags=("enrollments",),
)
def enrollments_create():
    """Enroll a consenting person in a cohort (capacity enforced)."""
    require_role("admin", "trainer")
    payload = json_body()
    check_types(payload, EnrollmentApiForm)
    form = validated(EnrollmentApiForm, payload)
    person = db.session.get(Person, form.person_id.data)
    if person is None:
        raise ValidationError("La persona no existe.", "person_id")
    cohort = db.session.get(Cohort, form.cohort_id.data)
    if cohort is None:
        raise ValidationError("El grupo no existe.", "cohort_id")
    if not cohort.can_manage(current_user):
        abort(403)
    enrollment = services.enroll(person, cohort)
    db.session.commit()
    return jsonify(enrollment_json(enrollment)), 201


@bp.route("/enrollments/<int:enrollment_id>", methods=["GET"])
@doc(
    "Una inscripción, con horas acreditadas y completitud",
    response=ENROLLMENT,
    tags=("enrollments",),
)
def enrollments_get(enrollment_id: int):
    """One enrollment: status, hours credited, whether and when it was completed."""
    return jsonify(enrollment_json(_load(enrollment_id)))


@bp.route("/enrollments/<int:enrollment_id>", methods=["PATCH"])
@doc(
    "Cambiar el estado de una inscripción",
    body=StatusForm,
    response=ENROLLMENT,
    tags=("enrollments",),
)
def enrollments_update(enrollment_id: int):
    """Set the status: inscrito, en_curso or retirado."""
    enrollment = _load(enrollment_id, manage=True)
    payload = json_body()
    check_types(payload, StatusForm)
    form = validated(StatusForm, payload)
    services.set_status(enrollment, form.status.data)
    db.session.commit()
    return jsonify(enrollment_json(enrollment))


@bp.route("/enrollments/<int:enrollment_id>", methods=["DELETE"])
@doc("Eliminar una inscripción sin asistencia", status=204, tags=("enrollments",))
def enrollments_delete(enrollment_id: int):
    """Delete an enrollment made by mistake; refused once it has attendance."""
    enrollment = _load(enrollment_id, manage=True)
    services.delete_enrollment(enrollment)
    db.session.commit()
    return "", 204
