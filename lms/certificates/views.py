"""Admin pages: issue (one, or a batch on the task queue), review, correct, revoke.

URLs are in blueprint.py; the public pages are in public_views.py.
"""

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from lms.audit.models import AuditEntry
from lms.auth.models import Role
from lms.certificates import bundles, issue, jobs, lifecycle, public, search
from lms.certificates.forms import BatchForm, CorrectForm, IssueForm, RevokeForm
from lms.certificates.models import Certificate, IssueJob
from lms.certificates.responses import pdf_response
from lms.courses.models import Cohort, Course, Enrollment
from lms.extensions import db
from lms.people.models import Person
from lms.web import attempt, get_or_404, loads, requires

PER_PAGE = 50


def _document(code: str) -> Certificate | None:
    found = public.find(code)  # either check scheme
    return found[0] if found else None


#: Admin URLs name a document by its code; ``loads`` hands the view its row.
by_code = loads("code", find=_document, missing="No existe un documento con ese código.")


@requires(Role.ADMIN)
def index():
    """Issued documents (searchable), pending eligible enrollments and batch jobs.

    The search form posts, and so do its pages: a document number searched for never sits
    in a URL (access logs, browser history). A query string is not a search.
    """
    q = request.form.get("q", "").strip() if request.method == "POST" else ""
    page = max(request.values.get("page", 1, type=int), 1)
    query = search.matching(q)
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
        pending_total=len(ids), jobs=recent_jobs, batch=BatchForm().offer(issue.pending_counts()),
        issue_form=IssueForm(),
        has_more=len(certs) == PER_PAGE,
        total=db.session.scalar(select(func.count(Certificate.id))),
    )


@requires(Role.ADMIN)
def issue_one():
    """Issue one document for an enrollment."""
    form = IssueForm()
    if not form.validate_on_submit():
        flash(_("Indique una inscripción válida."), "error")
        return redirect(url_for(".index"))
    enrollment = get_or_404(Enrollment, form.enrollment_id.data)
    with attempt() as done:
        cert, created = issue.issue_one(enrollment, current_user.id)
    if not done:
        return redirect(url_for(".index"))
    if created:
        flash(_("Documento %(code)s emitido.", code=cert.code), "success")
    else:
        flash(_(
            "Esta inscripción ya tenía el documento %(code)s; no se emitió otro.",
            code=cert.code,
        ), "info")
    return redirect(url_for(".detail", code=cert.code))


@requires(Role.ADMIN)
def start_batch():
    """Queue a batch issue (sent when the request commits) and show its progress page."""
    form = BatchForm()
    if not form.validate_on_submit():
        flash(_("Revise los filtros del lote."), "error")
        return redirect(url_for(".index"))
    with attempt() as done:
        job = jobs.create_job(form.course.data, form.cohort.data, current_user.id)
    if not done:
        return redirect(url_for(".index"))
    return redirect(url_for(".job", job_id=job.id))


@requires(Role.ADMIN)
@loads("job_id", IssueJob)
def job(job: IssueJob):
    """Progress page of a batch (polls the JSON below)."""
    return render_template("certificates/job.html", job=job, progress=jobs.progress(job),
                           files=bundles.files(job), kinds=bundles.KINDS)


@requires(Role.ADMIN)
@loads("job_id", IssueJob)
def request_job_file(job: IssueJob):
    """Ask for the batch's documents as a ZIP or one PDF, built in the background."""
    with attempt() as done:
        bundles.request(job, request.form.get("kind", ""))
    if done:
        flash(_("El archivo se está preparando; aparecerá aquí cuando esté listo."), "success")
    return redirect(url_for(".job", job_id=job.id))


@requires(Role.ADMIN)
@loads("job_id", IssueJob)
def job_file(job: IssueJob, kind: str):
    """Download a batch's ZIP or merged PDF once it is ready."""
    content = bundles.ready_content(job, kind)
    if content is None:
        abort(404, "El archivo del lote no está listo; pídalo en la página del lote.")
    mimetype = "application/zip" if kind == "zip" else "application/pdf"
    return Response(content, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="lote-{job.id}.{kind}"',
        "Cache-Control": "private, no-store"})


@requires(Role.ADMIN)
@loads("job_id", IssueJob)
def job_status(job: IssueJob):
    """Batch progress as JSON."""
    return jsonify(jobs.progress(job))


@requires(Role.ADMIN)
@by_code
def detail(code: Certificate):
    """One document: frozen data, status, chain, audit, revoke form."""
    return _detail_page(code, RevokeForm(), trail=_trail(code))


@requires(Role.ADMIN)
@by_code
def pdf(code: Certificate):
    """The issued PDF, byte for byte."""
    if not code.pdf:
        abort(410, "El PDF fue suprimido porque el titular fue anonimizado.")
    return pdf_response(code)


@requires(Role.ADMIN)
@by_code
def revoke(code: Certificate):
    """Revoke a document with a reason."""
    form = RevokeForm()
    if form.validate_on_submit():
        with attempt(form) as done:
            lifecycle.revoke(code, form.reason.data)
        if done:
            flash(_("Documento %(code)s revocado.", code=code.code), "success")
            return redirect(url_for(".detail", code=code.code))
    return _detail_page(code, form, trail=[]), 422


@requires(Role.ADMIN)
@by_code
def correct(code: Certificate):
    """Correct the printed data: a new document supersedes this one."""
    form = CorrectForm(obj=code)
    if form.validate_on_submit():
        with attempt(form) as done:
            new = lifecycle.supersede(code, form.data, current_user.id)
        if done:
            flash(_(
                "Se emitió %(code)s, que reemplaza a %(old_code)s.",
                code=new.code,
                old_code=code.code,
            ), "success")
            return redirect(url_for(".detail", code=new.code))
    return render_template("certificates/correct.html", cert=code, form=form)


def _trail(cert: Certificate) -> list[AuditEntry]:
    return db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "certificates",
                                 AuditEntry.entity_id == cert.id).order_by(AuditEntry.at)
    ).all()


def _detail_page(cert: Certificate, form: RevokeForm, trail: list) -> str:
    return render_template("certificates/detail.html", cert=cert, chain=lifecycle.chain(cert),
                           trail=trail, revoke_form=form,
                           anonymized=lifecycle.is_anonymized(cert))
