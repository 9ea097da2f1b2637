"""Admin actions on a person: rights under Ley 1581 (export, anonymise, revoke),
merging duplicates, enrolling and changing an enrollment's status."""

import json

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from lms.audit.services import record
from lms.auth.decorators import admin_required
from lms.errors import ValidationError
from lms.extensions import db
from lms.people import rights, search, services
from lms.people.forms import ConfirmForm, ConsentForm, EnrollForm, MergeForm, StatusForm
from lms.people.models import Person
from lms.people.views import bp


@bp.route("/<int:person_id>/exportar.json")
@admin_required
def export(person_id: int):
    """Download everything stored about the person as JSON (right to know)."""
    person = db.get_or_404(Person, person_id)
    data = rights.export_person(person)
    # Handing out personal data is itself worth a trace in the audit log.
    record("export", person)
    db.session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f"attachment; filename=persona-{person.id}.json"},
    )


@bp.route("/<int:person_id>/anonimizar", methods=["GET", "POST"])
@admin_required
def anonymize(person_id: int):
    """Remove the person's identity while keeping the counts (right to delete)."""
    person = db.get_or_404(Person, person_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            with db.session.begin_nested():
                rights.anonymize_person(person)
        except ValidationError as exc:
            exc.attach(form)
        else:
            db.session.commit()
            flash(_("La persona fue anonimizada; sus inscripciones siguen contando."), "success")
            return redirect(url_for("people.show", person_id=person.id))
    return render_template("people/anonymize.html", person=person, form=form)


@bp.route("/<int:person_id>/revocar", methods=["POST"])
@admin_required
def revoke(person_id: int):
    """Record that the person revoked their authorization."""
    person = db.get_or_404(Person, person_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("Confirme la revocación marcando la casilla."), "error")
    else:
        count = services.revoke_consents(person)
        db.session.commit()
        flash(_("Autorizaciones revocadas: %(count)s.", count=count), "success")
    return redirect(url_for("people.show", person_id=person.id))


@bp.route("/<int:person_id>/autorizacion", methods=["GET", "POST"])
@admin_required
def consent(person_id: int):
    """Record a new authorization for a registered person (e.g. after they revoked one)."""
    person = db.get_or_404(Person, person_id)
    if person.anonymized_at is not None:
        flash(_("La persona fue anonimizada; no se le puede registrar una autorización."), "error")
        return redirect(url_for("people.show", person_id=person.id))
    form = ConsentForm()
    if form.validate_on_submit():
        try:
            with db.session.begin_nested():
                services.record_consent(
                    person,
                    channel=form.channel.data,
                    consent=form.consent.data,
                    guardian_name=form.guardian_name.data,
                    guardian_document=form.guardian_document.data,
                    notice_version=form.notice_version.data,
                )
        except ValidationError as exc:
            exc.attach(form)
        else:
            db.session.commit()
            flash(_("Autorización registrada."), "success")
            return redirect(url_for("people.show", person_id=person.id))
    notice = services.current_notice()
    form.notice_version.data = notice.version
    minor = services.is_minor(person.birth_date, person.document_type)
    return render_template(
        "people/consent.html", person=person, form=form, notice=notice, minor=minor
    )


@bp.route("/<int:person_id>/fusionar", methods=["GET", "POST"])
@admin_required
def merge(person_id: int):
    """Fold a duplicate record of the same human into this one."""
    person = db.get_or_404(Person, person_id)
    form = MergeForm()
    if form.validate_on_submit():
        duplicate = db.session.get(Person, form.duplicate_id.data)
        try:
            if duplicate is None:
                raise ValidationError(_("El registro duplicado no existe."), "duplicate_id")
            with db.session.begin_nested():
                detail = rights.merge_people(person, duplicate)
        except ValidationError as exc:
            exc.attach(form)
        else:
            db.session.commit()
            moved = len(detail["enrollments_moved"]) + len(detail["enrollments_joined"])
            flash(
                _("Registros fusionados; inscripciones trasladadas: %(moved)s.", moved=moved),
                "success",
            )
            return redirect(url_for("people.show", person_id=person.id))
    q = request.args.get("q", "").strip() or person.last_names
    candidates = db.session.scalars(
        search.search_query(q).where(Person.id != person.id).limit(25)
    ).all()
    return render_template(
        "people/merge.html", person=person, form=form, q=q, candidates=candidates
    )


@bp.route("/<int:person_id>/inscribir", methods=["POST"])
@admin_required
def enroll(person_id: int):
    """Enroll an existing person in a cohort."""
    from lms.courses.enrollments import enroll as enroll_person
    from lms.courses.models import Cohort

    person = db.get_or_404(Person, person_id)
    form = EnrollForm()
    form.cohort_id.validate_choice = False
    if not form.validate_on_submit():
        flash(_("Elija el grupo."), "error")
        return redirect(url_for("people.show", person_id=person.id))
    cohort = db.get_or_404(Cohort, form.cohort_id.data)
    try:
        with db.session.begin_nested():
            enroll_person(person, cohort)
    except ValidationError as exc:
        flash(exc.message, "error")
        return redirect(url_for("people.show", person_id=person.id))
    db.session.commit()
    flash(_("Inscrita en %(code)s.", code=cohort.code), "success")
    return redirect(url_for("people.show", person_id=person.id))


@bp.route("/inscripciones/<int:enrollment_id>/estado", methods=["POST"])
@admin_required
def enrollment_status(enrollment_id: int):
    """Change an enrollment's status (inscrito, en curso, retirado)."""
    from lms.courses.enrollments import set_status
    from lms.courses.models import Enrollment

    enrollment = db.get_or_404(Enrollment, enrollment_id)
    form = StatusForm()
    form.status.validate_choice = False
    try:
        if not form.validate_on_submit():
            raise ValidationError(_("Elija el estado."), "status")
        with db.session.begin_nested():
            set_status(enrollment, form.status.data)
    except ValidationError as exc:
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(_("Estado actualizado."), "success")
    return redirect(url_for("people.show", person_id=enrollment.person_id))
