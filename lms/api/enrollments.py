"""API resource: enrollments (imported by lms/api/people.py, its sibling resource)."""

from flask import abort, jsonify
from flask_login import current_user
from sqlalchemy import select

from lms import policy
from lms.api import bp
from lms.api.conventions import int_arg, paginated
from lms.api.core import require_role, validated, with_warnings
from lms.api.openapi import doc, query
from lms.api.serialize import BOOL, NUM, STR, Shape, page_schema
from lms.courses import enrollments as services
from lms.courses.forms import EnrollmentApiForm, StatusForm
from lms.courses.models import Cohort, Enrollment
from lms.errors import ValidationError
from lms.extensions import db
from lms.people.models import Person

# An enrollment with the hours its attendance earned and its completion.
ENROLLMENT = Shape(
    Enrollment,
    "id person_id cohort_id status enrolled_at hours_credited completed_on completion_conflict",
    cohort_code=(STR, lambda e: e.cohort.code),
    course_code=(STR, lambda e: e.cohort.course.code),
    required_hours=(NUM, lambda e: e.cohort.course.required_hours),
    completed=(BOOL, lambda e: e.completed_on is not None),
)


def _load(enrollment_id: int, *, manage: bool = False) -> Enrollment:
    require_role("admin", "trainer")
    enrollment = db.get_or_404(Enrollment, enrollment_id)
    allowed = policy.can_manage_cohort if manage else policy.can_view_cohort
    if not allowed(current_user, enrollment.cohort):
        abort(403)
    return enrollment


@bp.route("/enrollments", methods=["GET"])
@doc(
    "Inscripciones (?cohort_id=, ?person_id=)",
    response=page_schema(ENROLLMENT.schema),
    tags=("enrollments",),
    params=(query("cohort_id", description="Solo este grupo."),
            query("person_id", description="Solo esta persona.")),
)
def enrollments_list():
    """List enrollments; a trainer only those of their cohorts."""
    require_role("admin", "trainer")
    query = select(Enrollment).order_by(Enrollment.id)
    for arg, column in (("cohort_id", Enrollment.cohort_id), ("person_id", Enrollment.person_id)):
        value = int_arg(arg)
        if value is not None:
            query = query.where(column == value)
    if not current_user.is_admin:
        query = query.where(policy.enrollments_seen(current_user))
    return jsonify(paginated(query, ENROLLMENT.dump))


@bp.route("/enrollments", methods=["POST"])
@doc(
    "Inscribir una persona en un grupo",
    body=EnrollmentApiForm,
    response=ENROLLMENT.schema,
    status=201,
    tags=("enrollments",),
)
def enrollments_create():
    """Enroll a consenting person in a cohort (capacity enforced)."""
    require_role("admin", "trainer")
    # A trainer enrolls only by exact document, through the walk-in (policy).
    if not policy.can_enroll_anyone(current_user):
        abort(403)
    form = validated(EnrollmentApiForm)
    person = db.session.get(Person, form.person_id.data)
    if person is None:
        raise ValidationError("La persona no existe.", "person_id")
    cohort = db.session.get(Cohort, form.cohort_id.data)
    if cohort is None:
        raise ValidationError("El grupo no existe.", "cohort_id")
    if not policy.can_manage_cohort(current_user, cohort):
        abort(403)
    reason = form.reason.data if policy.can_enroll_after_end(current_user) else None
    enrollment = services.enroll(person, cohort, reason=reason)
    return jsonify(with_warnings(ENROLLMENT.dump(enrollment))), 201


@bp.route("/enrollments/<int:enrollment_id>", methods=["GET"])
@doc(
    "Una inscripción, con horas acreditadas y completitud",
    response=ENROLLMENT.schema,
    tags=("enrollments",),
)
def enrollments_get(enrollment_id: int):
    """One enrollment: status, hours credited, whether and when it was completed."""
    return jsonify(ENROLLMENT.dump(_load(enrollment_id)))


@bp.route("/enrollments/<int:enrollment_id>", methods=["PATCH"])
@doc(
    "Cambiar el estado de una inscripción",
    body=StatusForm,
    response=ENROLLMENT.schema,
    tags=("enrollments",),
)
def enrollments_update(enrollment_id: int):
    """Set the status: inscrito, en_curso or retirado."""
    enrollment = _load(enrollment_id, manage=True)
    form = validated(StatusForm)
    services.set_status(enrollment, form.status.data)
    return jsonify(ENROLLMENT.dump(enrollment))


@bp.route("/enrollments/<int:enrollment_id>", methods=["DELETE"])
@doc("Eliminar una inscripción hecha por error (admin; no si tiene asistencia o la hizo un "
     "formador)", status=204, tags=("enrollments",))
def enrollments_delete(enrollment_id: int):
    """Delete an enrollment made by mistake; refused once it has attendance."""
    enrollment = _load(enrollment_id, manage=True)
    if not policy.can_delete_enrollment(current_user, enrollment):
        abort(403)
    services.delete_enrollment(enrollment)
    return "", 204
