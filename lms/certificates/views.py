"""Admin pages: issue (one, or a batch on the task queue), review, correct, revoke.

Public pages (verification, JWKS, status list, citizen portal) are in public_views.py
on the same blueprint.
"""

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import undefer

from lms.audit.models import AuditEntry
from lms.auth.decorators import admin_required
from lms.certificates import issue, jobs, lifecycle
from lms.certificates.codes import normalize
from lms.certificates.forms import BatchForm, CorrectForm, IssueForm, RevokeForm
from lms.certificates.models import Certificate, IssueJob
from lms.courses.models import Cohort, Course, Enrollment
from lms.errors import ValidationError
from lms.extensions import db
from lms.people.models import Person

bp = Blueprint("certificates", __name__)
PER_PAGE = 50


def _load(code: str) -> Certificate:
    canonical = normalize(code)
    cert = canonical and db.session.scalar(select(Certificate).filter_by(code=canonical))
    if not cert:
        abort(404, "No existe un documento con ese código.")
    return cert


@bp.route("/admin/certificados")
@admin_required
def index():
    """Issued documents (searchable), pending eligible enrollments and batch jobs."""
    q = request.args.get("q", "").strip()
    page = max(request.args.get("page", 1, type=int), 1)
    query = select(Certificate).order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    if q:
        code = normalize(q)
        query = query.where(or_(Certificate.code == code, Certificate.holder_name.ilike(f"%{q}%"),
                                Certificate.document_number == q))
    certs = db.session.scalars(query.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    ids = issue.pending_ids()
    pending = db.session.execute(
        select(Enrollment, Person, Cohort, Course)
        .join(Person, Person.id == Enrollment.person_id)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(Course, Course.id == Cohort.course_id)
        .where(Enrollment.id.in_(ids[:PER_PAGE]))
        .order_by(Cohort.code, Person.last_names)
    ).all()
    recent_jobs = db.session.scalars(select(IssueJob).order_by(IssueJob.id.desc()).limit(5)).all()
    return render_template(
        "certificates/index.html", certs=certs, q=q, page=page, pending=pending,
        pending_total=len(ids), jobs=recent_jobs, batch=BatchForm(), issue_form=IssueForm(),
        has_more=len(certs) == PER_PAGE,
        total=db.session.scalar(select(func.count(Certificate.id))),
    )


@bp.route("/admin/certificados/emitir", methods=["POST"])
@admin_required
def issue_one():
    """Issue one document for an enrollment."""
    form = IssueForm()
    if not form.validate_on_submit():
        flash("Indique una inscripción válida.", "error")
        return redirect(url_for(".index"))
    enrollment = db.session.get(Enrollment, form.enrollment_id.data) or abort(404)
    try:
        cert = issue.issue_for(enrollment, current_user.id)
    except ValidationError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".index"))
    db.session.commit()
    flash(f"Documento {cert.code} emitido.", "success")
    return redirect(url_for(".detail", code=cert.code))


@bp.route("/admin/certificados/lotes", methods=["POST"])
@admin_required
def start_batch():
    """Queue a batch issue (sent when the request commits) and show its progress page."""
    form = BatchForm()
    if form.validate_on_submit():
        try:
            job = jobs.create_job(form.course.data, form.cohort.data, current_user.id)
        except ValidationError as exc:
            flash(exc.message, "error")
            return redirect(url_for(".index"))
        return redirect(url_for(".job", job_id=job.id))
    flash("Revise los filtros del lote.", "error")
    return redirect(url_for(".index"))


@bp.route("/admin/certificados/lotes/<int:job_id>")
@admin_required
def job(job_id: int):
    """Progress page of a batch (polls the JSON below)."""
    item = db.session.get(IssueJob, job_id) or abort(404)
    return render_template("certificates/job.html", job=item, progress=jobs.progress(item))


@bp.route("/admin/certificados/lotes/<int:job_id>.json")
@admin_required
def job_status(job_id: int):
    """Batch progress as JSON."""
    item = db.session.get(IssueJob, job_id) or abort(404)
    return jsonify(jobs.progress(item))


@bp.route("/admin/certificados/<code>")
@admin_required
def detail(code: str):
    """One document: frozen data, status, chain, audit, revoke form."""
    cert = _load(code)
    trail = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "certificates",
                                 AuditEntry.entity_id == cert.id).order_by(AuditEntry.at)
    ).all()
    return render_template("certificates/detail.html", cert=cert, chain=lifecycle.chain(cert),
                           trail=trail, revoke_form=RevokeForm(),
                           anonymized=lifecycle.is_anonymized(cert))


@bp.route("/admin/certificados/<code>/pdf")
@admin_required
def pdf(code: str):
    """The issued PDF, byte for byte."""
    cert = db.session.scalar(select(Certificate).options(undefer(Certificate.pdf))
                             .filter_by(code=_load(code).code))
    if not cert.pdf:
        abort(410, "El PDF fue suprimido porque el titular fue anonimizado.")
    return _pdf_response(cert)


def _pdf_response(cert: Certificate):
    return Response(cert.pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{cert.kind}-{cert.code}.pdf"',
        "Cache-Control": "private, no-store",
    })


@bp.route("/admin/certificados/<code>/revocar", methods=["POST"])
@admin_required
def revoke(code: str):
    """Revoke a document with a reason."""
    cert = _load(code)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            lifecycle.revoke(cert, form.reason.data)
        except ValidationError as exc:
            exc.attach(form)
        else:
            db.session.commit()
            flash(f"Documento {cert.code} revocado.", "success")
            return redirect(url_for(".detail", code=cert.code))
    return render_template("certificates/detail.html", cert=cert, chain=lifecycle.chain(cert),
                           trail=[], revoke_form=form,
                           anonymized=lifecycle.is_anonymized(cert)), 422


@bp.route("/admin/certificados/<code>/corregir", methods=["GET", "POST"])
@admin_required
def correct(code: str):
    """Correct the printed data: a new document supersedes this one."""
    cert = _load(code)
    form = CorrectForm(obj=cert)
    if form.validate_on_submit():
        try:
            new = lifecycle.supersede(cert, form.data, current_user.id)
        except ValidationError as exc:
            exc.attach(form)
        else:
            db.session.commit()
            flash(f"Se emitió {new.code}, que reemplaza a {cert.code}.", "success")
            return redirect(url_for(".detail", code=new.code))
    return render_template("certificates/correct.html", cert=cert, form=form)


from lms.certificates import public_views  # noqa: E402, F401 - routes on this blueprint
