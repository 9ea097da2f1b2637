"""API resource: enrollments, with the hours credited and completion."""

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from lms import policy
from lms.api.resource import Filter, Resource
from lms.api.serialize import BOOL, NUM, STR, Shape
from lms.courses import enrollments as services
from lms.courses.forms import EnrollmentApiForm, StatusForm
from lms.courses.models import Cohort, Enrollment
from lms.errors import ValidationError
from lms.extensions import db
from lms.people.models import Person
from lms.policy import Role

# An enrollment with the hours its attendance earned and its completion.
ENROLLMENT = Shape(
    Enrollment,
    "id person_id cohort_id status enrolled_at hours_credited completed_on completion_conflict",
    cohort_code=(STR, lambda e: e.cohort.code),
    course_code=(STR, lambda e: e.cohort.course.code),
    required_hours=(NUM, lambda e: e.cohort.course.required_hours),
    completed=(BOOL, lambda e: e.completed_on is not None),
)


def _enroll(form) -> Enrollment:
    """Enroll a consenting person in a cohort the token's user manages (capacity enforced)."""
    person = db.session.get(Person, form.person_id.data)
    if person is None:
        raise ValidationError(_("La persona no existe."), "person_id")
    cohort = db.session.get(Cohort, form.cohort_id.data)
    if cohort is None:
        raise ValidationError(_("El grupo no existe."), "cohort_id")
    if not policy.can_manage_cohort(current_user, cohort):
        abort(403)
    reason = form.reason.data if policy.can_enroll_after_end(current_user) else None
    return services.enroll(person, cohort, reason=reason)


# A trainer's token reaches only the enrollments of their cohorts; analysts get 403.
enrollments = Resource("enrollments", Enrollment, ENROLLMENT, tag="enrollments",
                       param="enrollment_id", read=(Role.ADMIN, Role.TRAINER),
                       write=(Role.ADMIN, Role.TRAINER), can_read=policy.can_view_enrollment,
                       can_write=policy.can_manage_enrollment)
enrollments.list("Inscripciones (?cohort_id=, ?person_id=)",
                 lambda: select(Enrollment).where(policy.enrollments_seen(current_user))
                 .order_by(Enrollment.id),
                 filters=(Filter("cohort_id", Enrollment.cohort_id, "Solo este grupo."),
                          Filter("person_id", Enrollment.person_id, "Solo esta persona.")))
# A trainer enrolls only by exact document, through the walk-in (policy).
enrollments.create("Inscribir una persona en un grupo", EnrollmentApiForm, _enroll,
                   can=policy.can_enroll_anyone)
enrollments.read("Una inscripción, con horas acreditadas y completitud")
# The status: inscrito, en_curso or retirado.
enrollments.update("Cambiar el estado de una inscripción", StatusForm,
                   lambda enrollment, form: services.set_status(enrollment, form.status.data),
                   merge=False)
# Only an enrollment made by mistake: refused once it has attendance or a trainer made it.
enrollments.delete("Eliminar una inscripción hecha por error (admin; no si tiene asistencia o "
                   "la hizo un formador)", services.delete_enrollment,
                   can=policy.can_delete_enrollment)
