"""People: registration with consent, search and the person page.

People sit below courses in the import chain, so the few places that show or
create enrollments import the courses modules inside the function.
"""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from lms.auth.decorators import admin_required, forbid_unless, staff_required
from lms.auth.models import User
from lms.errors import ValidationError
from lms.extensions import db
from lms.people import search, services
from lms.people.forms import SENSITIVE_FIELDS, EnrollForm, PersonForm, RegisterForm, StatusForm
from lms.people.models import SEXES, Person
from lms.people.services import ETHNIC_GROUPS

bp = Blueprint("people", __name__, url_prefix="/personas")
PER_PAGE = 25
CHANNEL_LABELS = {
    "form": _l("Formulario web"),
    "planilla": _l("Planilla en papel"),
    "api": _l("API"),
    "checkin": _l("Autorregistro (QR)"),
}


@bp.route("/")
@admin_required
def index():
    """Search people by document or name."""
    q = request.args.get("q", "").strip()
    page = request.args.get("page", 1, type=int)
    pagination = db.paginate(search.search_query(q), page=page, per_page=PER_PAGE, error_out=False)
    return render_template("people/index.html", q=q, pagination=pagination)


def _cohort_from_args():
    from lms.courses.models import Cohort

    cohort_id = request.args.get("grupo", type=int)
    return db.get_or_404(Cohort, cohort_id) if cohort_id else None


def _after_enrollment(person: Person, cohort) -> str:
    if cohort is not None and "courses.cohort" in current_app.view_functions:
        return url_for("courses.cohort", cohort_id=cohort.id)
    return url_for("people.show", person_id=person.id)


@bp.route("/nueva", methods=["GET", "POST"])
@admin_required
def register():
    """Register a person with consent (optionally enrolling them: ?grupo=<cohort id>)."""
    from lms.courses.enrollments import enroll

    cohort = _cohort_from_args()
    form = RegisterForm()
    existing = None
    if form.validate_on_submit():
        try:
            # A savepoint: a refused enrollment also undoes the registration just made.
            with db.session.begin_nested():
                person = services.register_person(
                    form.person_data(),
                    channel="form",
                    consent=form.consent.data,
                    guardian_name=form.guardian_name.data,
                    guardian_document=form.guardian_document.data,
                    sensitive=form.sensitive_data(),
                    notice_version=form.notice_version.data,
                )
                if cohort is not None:
                    enroll(person, cohort)
        except ValidationError as exc:
            exc.attach(form)
            existing = _existing(form) if exc.field == "document_number" else None
        else:
            db.session.commit()
            if cohort is not None:
                message = _(
                    "%(name)s quedó registrada e inscrita en %(code)s.",
                    name=person.full_name,
                    code=cohort.code,
                )
            else:
                message = _("%(name)s quedó registrada.", name=person.full_name)
            flash(message, "success")
            return redirect(_after_enrollment(person, cohort))
    notice = services.current_notice()
    # The page shows this notice: the version travels with the form to prove what was read.
    form.notice_version.data = notice.version
    return render_template(
        "people/register.html", form=form, cohort=cohort, existing=existing, notice=notice
    )


def _existing(form) -> Person | None:
    try:
        return services.find_person(form.document_type.data, form.document_number.data)
    except ValidationError:
        return None


@bp.route("/<int:person_id>")
@staff_required
def show(person_id: int):
    """A person's data, consents and enrollments (a trainer: only people of their cohorts)."""
    from lms.courses.enrollments import can_view_person, trainer_cohort_ids
    from lms.courses.models import ENROLLMENT_STATUSES, Cohort, Enrollment

    person = db.get_or_404(Person, person_id)
    forbid_unless(can_view_person(current_user, person))
    query = db.select(Enrollment).where(Enrollment.person_id == person.id)
    if not current_user.is_admin:
        query = query.where(Enrollment.cohort_id.in_(trainer_cohort_ids(current_user)))
    enrollments = db.session.scalars(query.order_by(Enrollment.enrolled_at.desc())).all()
    enroll_form = status_form = None
    if current_user.is_admin:
        enroll_form = EnrollForm(cohort_id=request.args.get("grupo", type=int))
        taken = {e.cohort_id for e in enrollments}
        enroll_form.cohort_id.choices = [
            SelectChoice(c.id, f"{c.code} — {c.course.name} ({c.site.name})")
            for c in db.session.scalars(
                db.select(Cohort).order_by(Cohort.start_date.desc()).limit(300)
            )
            if c.id not in taken
        ]
        status_form = StatusForm()
    staff_ids = {c.recorded_by_id for c in person.consents if c.recorded_by_id}
    staff = db.session.scalars(db.select(User).where(User.id.in_(staff_ids)))
    users = {u.id: u.name for u in staff}
    return render_template(
        "people/show.html",
        person=person,
        enrollments=enrollments,
        enroll_form=enroll_form,
        status_form=status_form,
        show_sensitive=current_user.is_admin,
        users=users,
        sexes=SEXES,
        ethnic_groups=ETHNIC_GROUPS,
        statuses=ENROLLMENT_STATUSES,
        channels=CHANNEL_LABELS,
    )


@bp.route("/<int:person_id>/editar", methods=["GET", "POST"])
@admin_required
def edit(person_id: int):
    """Correct a person's data (right to rectify); every change is audited."""
    person = db.get_or_404(Person, person_id)
    form = PersonForm(obj=person)
    if request.method == "GET" and person.sensitive is not None:
        for key in SENSITIVE_FIELDS:
            value = getattr(person.sensitive, key)
            form[key].data = {True: "si", False: "no", None: ""}.get(value, value)
    if form.validate_on_submit():
        try:
            with db.session.begin_nested():
                services.update_person(person, form.person_data(), sensitive=form.sensitive_data())
        except ValidationError as exc:
            exc.attach(form)
        else:
            db.session.commit()
            flash(_("Datos corregidos."), "success")
            return redirect(url_for("people.show", person_id=person.id))
    return render_template("people/edit.html", form=form, person=person)


from lms.people import admin_views  # noqa: E402, F401 - routes on the same blueprint
