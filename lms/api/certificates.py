"""API resource: certificates (see lms/api/__init__.py).

Admins issue (one, or a cohort's pending ones), correct and revoke; a trainer reads
the documents of their own cohorts; an analyst reads statuses and counts but no
personal data (name and document omitted, no PDF, no per-person listing).
"""

from flask import Response, abort, jsonify
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from lms import policy
from lms.api import bp
from lms.api.core import validated
from lms.api.openapi import doc
from lms.api.serialize import to_json
from lms.certificates import issue, lifecycle, public
from lms.certificates.codes import MISTYPED, looks_mistyped
from lms.certificates.forms import IssueForm, RevokeForm
from lms.certificates.models import Certificate
from lms.courses.models import Cohort, Enrollment
from lms.extensions import db
from lms.people.models import Person
from lms.policy import STAFF, Role
from lms.web import get_or_404, loads, requires

CERTIFICATE = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "status": {"type": "string", "enum": ["valid", "revoked", "superseded"]},
        "kind": {"type": "string", "enum": ["certificado", "constancia"]},
        "enrollment_id": {"type": "integer"},
        "name": {"type": "string", "description": "Omitido para analistas"},
        "document_type": {"type": "string"},
        "document_number": {"type": "string", "description": "Omitido para analistas"},
        "course": {"type": "string"},
        "course_name": {"type": "string"},
        "hours": {"type": "number"},
        "completed": {"type": "string", "format": "date"},
        "site": {"type": "string"},
        "trainer": {"type": "string"},
        "issued": {"type": "string", "format": "date-time"},
        "sha256": {"type": "string"},
        "kid": {"type": "string"},
        "revoked_at": {"type": "string", "format": "date-time", "nullable": True},
        "revoked_reason": {"type": "string", "nullable": True},
        "replaced_by": {"type": "string", "nullable": True},
        "verify_url": {"type": "string"},
    },
}
BATCH = {
    "type": "object",
    "properties": {"count": {"type": "integer"}, "issued": {"type": "array", "items": CERTIFICATE}},
}


def certificate_json(cert: Certificate, replaced_by: str | None = None) -> dict:
    """The API view of a document; personal fields only for admins and trainers."""
    body = public.record(cert, replaced_by)
    personal = current_user.has_role("admin", "trainer")
    out = {
        "code": cert.code, "status": cert.status, "kind": cert.kind,
        "enrollment_id": cert.enrollment_id, "document_type": cert.document_type,
        "course": cert.course_code, "course_name": cert.course_name,
        "hours": body["hours"], "completed": body["completed"], "site": cert.site_name,
        "trainer": cert.trainer_name, "issued": body["issued"], "sha256": cert.sha256,
        "kid": cert.kid,
        "revoked_at": to_json(cert.revoked_at),
        "revoked_reason": cert.revoked_reason, "replaced_by": replaced_by,
        "verify_url": f"{public.base_url()}/v/{cert.code}",
    }
    if personal:
        out["name"] = cert.holder_name
        out["document_number"] = cert.document_number
    return out


def _cohort_of(cert: Certificate) -> Cohort:
    return db.session.scalar(
        select(Cohort).join(Enrollment, Enrollment.cohort_id == Cohort.id)
        .where(Enrollment.id == cert.enrollment_id)
    )


def _find(code: str) -> tuple[Certificate, str | None] | None:
    """The document of a typed code (either check scheme) and its replacement's code, or None;
    a code whose check symbol fits neither scheme is a 404 that says so."""
    if looks_mistyped(code):
        abort(404, gettext(MISTYPED, code=code[:40]))
    return public.find(code)


def _may_read(user, found: tuple[Certificate, str | None]) -> bool:
    return policy.can_view_cohort(user, _cohort_of(found[0]))


#: The document named by the URL's code, with its replacement's code; 404, then 403.
by_code = loads("code", find=_find, can=_may_read, into="found",
                missing="No existe un documento con ese código.")


@bp.route("/certificates", methods=["POST"])
@doc("Emitir el documento de una inscripción", body=IssueForm, response=CERTIFICATE,
     status=201, tags=("certificates",))
@requires(Role.ADMIN)
def certificates_issue():
    """Issue one document (admin): 201, or 200 with the live one it already holds; 422 if
    the enrollment is not eligible."""
    form = validated(IssueForm)
    enrollment = get_or_404(Enrollment, form.enrollment_id.data,
                            missing="No existe esa inscripción.")
    cert, created = issue.issue_one(enrollment, current_user.id)
    return jsonify(certificate_json(cert)), 201 if created else 200


@bp.route("/certificates/<code>", methods=["GET"])
@doc("Un documento por su código", response=CERTIFICATE, tags=("certificates",))
@requires(*STAFF)
@by_code
def certificates_get(found: tuple[Certificate, str | None]):
    """One document (trainers: their cohorts only; analysts: without personal data)."""
    cert, replaced_by = found
    return jsonify(certificate_json(cert, replaced_by))


@bp.route("/certificates/<code>/pdf", methods=["GET"])
@doc("El PDF emitido, byte a byte", media="application/pdf", errors=(410,),
     tags=("certificates",))
@requires(Role.ADMIN, Role.TRAINER)
@by_code
def certificates_pdf(found: tuple[Certificate, str | None]):
    """The issued PDF (admins, and trainers for their cohorts)."""
    cert, _ = found
    data = db.session.scalar(select(Certificate.pdf).where(Certificate.id == cert.id))
    if not data:
        abort(410, "El PDF fue suprimido porque el titular fue anonimizado.")
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{cert.kind}-{cert.code}.pdf"'})


@bp.route("/certificates/<code>/revoke", methods=["POST"])
@doc("Revocar un documento con un motivo", body=RevokeForm, response=CERTIFICATE,
     tags=("certificates",))
@requires(Role.ADMIN)
@by_code
def certificates_revoke(found: tuple[Certificate, str | None]):
    """Revoke (admin); the record stays and verifies as revoked."""
    cert, replaced_by = found
    form = validated(RevokeForm)
    lifecycle.revoke(cert, form.reason.data)
    return jsonify(certificate_json(cert, replaced_by))


@bp.route("/certificates/<code>/correct", methods=["POST"])
@doc("Corregir: reemitir con los datos actuales de la persona y del curso; el nuevo "
     "documento reemplaza al anterior", response=CERTIFICATE, status=201,
     tags=("certificates",))
@requires(Role.ADMIN)
@by_code
def certificates_correct(found: tuple[Certificate, str | None]):
    """Re-issue from current data (admin); the old code then verifies as superseded."""
    new = lifecycle.reissue(found[0], current_user.id)
    return jsonify(certificate_json(new)), 201


@bp.route("/cohorts/<int:cohort_id>/certificates", methods=["POST"])
@doc("Emitir los documentos pendientes de un grupo", response=BATCH, status=201,
     tags=("certificates",))
@requires(Role.ADMIN)
@loads("cohort_id", Cohort)
def cohort_certificates_issue(cohort: Cohort):
    """Issue every eligible document of a cohort that has none (admin), in one request."""
    issued = issue.issue_cohort(cohort, current_user.id)
    return jsonify({"count": len(issued), "issued": [certificate_json(c) for c in issued]}), 201


@bp.route("/people/<int:person_id>/certificates", methods=["GET"])
@doc("Los documentos de una persona", response={"type": "array", "items": CERTIFICATE},
     tags=("certificates",))
@requires(Role.ADMIN, Role.TRAINER)
@loads("person_id", Person)
def people_certificates(person: Person):
    """A person's documents (admin; a trainer sees those of their own cohorts)."""
    rows = db.session.execute(
        select(Certificate, Cohort)
        .join(Enrollment, Enrollment.id == Certificate.enrollment_id)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .where(Enrollment.person_id == person.id)
        .order_by(Certificate.issued_at, Certificate.id)
    ).all()
    codes = {c.id: c.code for c, _ in rows}
    return jsonify([
        certificate_json(cert, codes.get(cert.superseded_by_id) or _code(cert.superseded_by_id))
        for cert, cohort in rows
        if current_user.is_admin or policy.can_view_cohort(current_user, cohort)
    ])


def _code(cert_id: int | None) -> str | None:
    if cert_id is None:
        return None
    return db.session.scalar(select(Certificate.code).where(Certificate.id == cert_id))
