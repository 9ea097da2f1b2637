"""API resource: batch issue of certificates on the task queue, its progress, and its
documents as one ZIP or one merged PDF (see lms/api/__init__.py).

The same services run the batch as on /admin/certificados/lotes: ``jobs.create_job`` checks
the filters and queues the work, ``jobs.progress`` is what the page polls, ``bundles`` builds
and serves the files. Admins only, as on the pages.
"""

from flask import Response, abort, jsonify, url_for
from flask_login import current_user

from lms.api import bp
from lms.api.core import json_body, validated
from lms.api.openapi import doc
from lms.api.serialize import INT
from lms.auth.models import Role
from lms.certificates import bundles, jobs
from lms.certificates.forms import BatchForm
from lms.certificates.models import IssueJob
from lms.web import loads, requires

_FILE = {"type": "object", "properties": {
    "kind": {"type": "string", "enum": list(bundles.KINDS)}, "ready": {"type": "boolean"},
    "documents": INT, "url": {"type": ["string", "null"]}}}
JOB = {"type": "object", "required": ["id", "state", "total", "done"], "properties": {
    "id": INT, "state": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
    "total": INT, "done": INT, "error": {"type": ["string", "null"]},
    "finished": {"type": ["string", "null"], "format": "date-time"},
    "course": {"type": ["string", "null"]}, "cohort": {"type": ["string", "null"]},
    "files": {"type": "array", "items": _FILE}}}
_EXAMPLE = {"id": 12, "state": "running", "total": 240, "done": 100, "error": None,
            "finished": None, "course": "TIC-BASICO", "cohort": None, "files": []}
FILE_REQUEST = {"type": "object", "required": ["kind"], "properties": {
    "kind": {"type": "string", "enum": list(bundles.KINDS),
             "description": "zip: un PDF por documento; pdf: todos en un PDF para imprimir"}}}
_MEDIA = {"zip": "application/zip", "pdf": "application/pdf"}


def job_json(job: IssueJob) -> dict:
    """A batch as the API shows it: the page's progress, its filters and its files."""
    files = [{"kind": f.kind, "ready": f.ready_at is not None, "documents": f.documents,
              "url": url_for("api.certificate_job_file", job_id=job.id, kind=f.kind)
              if f.ready_at else None} for f in bundles.files(job).values()]
    return {**jobs.progress(job), "course": job.course_code, "cohort": job.cohort_code,
            "files": sorted(files, key=lambda f: f["kind"])}


@bp.route("/certificate-jobs", methods=["POST"])
@doc("Emitir en lote, en segundo plano, los documentos pendientes de un curso y/o un grupo "
     "(sin filtros: todos); siga el progreso en Location", body=BatchForm, response=JOB,
     status=202, tags=("certificates",), example={**_EXAMPLE, "state": "queued", "total": 0,
                                                  "done": 0})
@requires(Role.ADMIN)
def certificate_jobs_create():
    """Queue a batch issue (422 naming a course or cohort that does not exist)."""
    form = validated(BatchForm)
    job = jobs.create_job(form.course.data, form.cohort.data, current_user.id)
    location = url_for("api.certificate_jobs_get", job_id=job.id)
    return jsonify(job_json(job)), 202, {"Location": location}


@bp.route("/certificate-jobs/<int:job_id>", methods=["GET"])
@doc("Progreso de una emisión en lote: total, emitidos, estado y archivos", response=JOB,
     tags=("certificates",), example=_EXAMPLE)
@requires(Role.ADMIN)
@loads("job_id", IssueJob)
def certificate_jobs_get(job: IssueJob):
    """Poll a batch, as its page does."""
    return jsonify(job_json(job))


@bp.route("/certificate-jobs/<int:job_id>/files", methods=["POST"])
@doc("Pedir los documentos de un lote terminado en un ZIP o en un solo PDF (se arma en "
     "segundo plano; aparece en «files» del lote)", body=FILE_REQUEST, response=JOB,
     status=202, tags=("certificates",), example={**_EXAMPLE, "state": "done", "done": 240,
                                                  "files": [{"kind": "zip", "ready": False,
                                                             "documents": 0, "url": None}]})
@requires(Role.ADMIN)
@loads("job_id", IssueJob)
def certificate_job_files(job: IssueJob):
    """Ask for a finished batch's file (422 while the batch is running)."""
    kind = json_body().get("kind")
    bundles.request(job, kind if isinstance(kind, str) else "")
    return jsonify(job_json(job)), 202, {
        "Location": url_for("api.certificate_jobs_get", job_id=job.id)}


@bp.route("/certificate-jobs/<int:job_id>/files/<kind>", methods=["GET"])
@doc("Descargar el ZIP o el PDF de un lote, una vez listo",
     media=("application/zip", "application/pdf"), tags=("certificates",))
@requires(Role.ADMIN)
@loads("job_id", IssueJob)
def certificate_job_file(job: IssueJob, kind: str):
    """The batch's file (404 until it is built)."""
    content = bundles.ready_content(job, kind) if kind in _MEDIA else None
    if content is None:
        abort(404, "El archivo del lote no está listo; pídalo con POST …/files.")
    return Response(content, mimetype=_MEDIA[kind], headers={
        "Content-Disposition": f'attachment; filename="lote-{job.id}.{kind}"',
        "Cache-Control": "private, no-store"})
