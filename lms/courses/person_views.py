"""The person page and enrollments (rules in blueprint.py).

The person page lists enrollments, so it lives here rather than in people (which never
imports courses); its URLs stay under /personas. Admins see everyone and act; a trainer
sees the people of their own cohorts (lms.policy), and only those enrollments.
"""

from flask import flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from lms import policy
from lms.auth.models import Role, User
from lms.courses import enrollments
from lms.courses.forms import EnrollForm, LateRegisterForm, StatusForm
from lms.courses.models import ENROLLMENT_STATUSES, Cohort, Enrollment
from lms.errors import ValidationError
from lms.extensions import db
from lms.formatting import labels
from lms.people.forms import CHANNEL_LABELS, RegisterForm
from lms.people.models import SEXES, Person
from lms.people.pages import registration, to_person
from lms.people.services import ETHNIC_GROUPS
from lms.timeutil import local_today
from lms.web import attempt, get_or_404, loads, requires

#: Cohorts offered in the "enroll in a cohort" list, newest first.
ENROLL_CHOICES = 300
#: The labels the person page shows coded values with.
LABELS = {
    "sexes": SEXES,
    "ethnic_groups": ETHNIC_GROUPS,
    "statuses": ENROLLMENT_STATUSES,
    "channels": CHANNEL_LABELS,
}


def _enroll_form(taken: set[int]) -> EnrollForm:
    form = EnrollForm(cohort_id=request.args.get("grupo", type=int))
    newest = select(Cohort).order_by(Cohort.start_date.desc()).limit(ENROLL_CHOICES)
    form.cohort_id.choices = [
        SelectChoice(c.id, f"{c.code} — {c.course.name} ({c.site.name})")
        for c in db.session.scalars(newest)
        if c.id not in taken
    ]
    return form


@requires(Role.ADMIN, Role.TRAINER)
@loads("person_id", Person, can=policy.can_view_person)
def person(person: Person):
    """A person's data, consents and enrollments (a trainer: only people of their cohorts)."""
    rows = db.session.scalars(
        select(Enrollment)
        .where(Enrollment.person_id == person.id, policy.enrollments_seen(current_user))
        .order_by(Enrollment.enrolled_at.desc())
    ).all()
    admin = current_user.is_admin
    staff_ids = {c.recorded_by_id for c in person.consents if c.recorded_by_id}
    users = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(staff_ids))).all())
    return render_template(
        "courses/person.html",
        person=person,
        enrollments=rows,
        enroll_form=_enroll_form({e.cohort_id for e in rows}) if admin else None,
        status_form=StatusForm() if admin else None,
        show_sensitive=admin,
        users=users,
        **{name: labels(mapping) for name, mapping in LABELS.items()},
    )


@requires(Role.ADMIN)
@loads("person_id", Person)
def enroll(person: Person):
    """Enroll an existing person in a cohort."""
    form = EnrollForm()
    form.cohort_id.validate_choice = False
    if not form.validate_on_submit():
        flash(_("Elija el grupo."), "error")
        return to_person(person.id)
    cohort = get_or_404(Cohort, form.cohort_id.data)
    with attempt() as done:
        enrollments.enroll(person, cohort, reason=form.reason.data)
    if done:
        flash(_("Inscrita en %(code)s.", code=cohort.code), "success")
    return to_person(person.id)


@requires(Role.ADMIN)
@loads("enrollment_id", Enrollment)
def enrollment_status(enrollment: Enrollment):
    """Change an enrollment's status (inscrito, en curso, retirado)."""
    person_id = enrollment.person_id
    form = StatusForm()
    form.status.validate_choice = False
    with attempt() as done:
        if not form.validate_on_submit():
            raise ValidationError(_("Elija el estado."), "status")
        enrollments.set_status(enrollment, form.status.data)
    if done:
        flash(_("Estado actualizado."), "success")
    return to_person(person_id)


@requires(Role.ADMIN)
def register_and_enroll():
    """``/personas/nueva?grupo=<id>``: register a person with consent and enroll them at once."""
    cohort = get_or_404(Cohort, request.args.get("grupo", type=int))
    late = cohort.end_date < local_today()
    return registration(
        lambda form: enrollments.register_and_enroll(
            cohort, channel="form", reason=form.reason.data if late else None,
            **form.registration()),
        lambda person: _(
            "Se registró a %(name)s y se inscribió en %(code)s.",
            name=person.full_name,
            code=cohort.code,
        ),
        then=lambda _person: url_for("courses.cohort", cohort_id=cohort.id),
        cohort=cohort,
        form_class=LateRegisterForm if late else RegisterForm,
    )
