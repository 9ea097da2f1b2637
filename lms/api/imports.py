"""API resource: site and planilla imports (multipart uploads), and the import jobs that read
big planillas in the background (see lms/api/__init__.py).

The same forms validate the upload and the same services import it as on the pages
(/sedes, /planillas/importar): the row errors are the page's, listed in the problem's
``errors`` member. A planilla over the background size answers 202 with its job.
"""

from dataclasses import asdict

from flask import jsonify, request, url_for
from flask_login import current_user
from werkzeug.datastructures import CombinedMultiDict

from lms import tasks
from lms.api import bp
from lms.api.openapi import doc
from lms.api.serialize import DATETIME, INT, STR, array, to_json
from lms.attendance.forms import ImportForm
from lms.attendance.planilla_jobs import submit_planilla
from lms.auth.models import Role
from lms.courses.forms import SiteImportForm
from lms.courses.sites import import_sites
from lms.errors import ValidationError, api_error
from lms.tabular import TabularError
from lms.tabular.jobs import ImportJob, progress_key
from lms.web import fail_request, loads, requires

MULTIPART = "multipart/form-data"
SITES_RESULT = {"type": "object", "required": ["created", "updated", "dry_run"], "properties": {
    "created": INT, "updated": INT, "dry_run": {"type": "boolean"}}}
_COUNTS = ("rows", "people", "enrollments", "cohorts", "sessions", "marks", "completions",
           "warning_count")
PLANILLA_RESULT = {"type": "object", "properties": {
    "dry_run": {"type": "boolean"}, **{name: INT for name in _COUNTS},
    "warnings": array(STR), "new_cohorts": array(STR), "new_sessions": array(STR)}}
JOB = {"type": "object", "required": ["id", "kind", "state", "finished"], "properties": {
    "id": INT, "kind": STR, "filename": STR,
    "state": {"type": "string", "enum": ["pending", "running", "done", "failed"]},
    "state_label": STR, "finished": {"type": "boolean"},
    "options": {"type": "object", "properties": {"dry_run": {"type": "boolean"},
                                                 "create_new": {"type": "boolean"}}},
    "rows_read": INT, "result": {**PLANILLA_RESULT, "type": ["object", "null"]},
    "errors": array(STR), "error_count": INT, "created_at": DATETIME,
    "finished_at": {"type": ["string", "null"], "format": "date-time"}}}


def upload_form(form_class):
    """The multipart upload checked by the page's form class, or a 422 naming each field."""
    form = form_class(formdata=CombinedMultiDict([request.files, request.form]),
                      meta={"csrf": False})
    if not form.validate():
        fields = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
        raise ValidationError(next(iter(fields.values()))[0], fields=fields)
    return form


def refused(exc: TabularError):
    """A refused file as a 422 problem: the page's row errors in ``errors``, nothing saved."""
    fail_request()
    rows = [{"row": e.row, "column": e.column, "message": e.message} for e in exc.errors]
    return api_error(422, exc.message, exc.fields,
                     extra={"errors": rows, "error_count": exc.count})


def job_json(job: ImportJob) -> dict:
    """An import job as the API shows it: its state, rows read so far, then result or errors."""
    result = dict(job.result) if job.result else None
    if result is not None:
        result.pop("summary", None)
    return {
        "id": job.id, "kind": job.kind, "filename": job.filename, "state": job.state,
        "state_label": job.state_label, "finished": job.finished, "options": job.options,
        "rows_read": int(tasks.noted(progress_key(job.id), 0) or 0), "result": result,
        "errors": job.errors or [], "error_count": job.error_count,
        "created_at": to_json(job.created_at), "finished_at": to_json(job.finished_at),
    }


@bp.route("/sites/import", methods=["POST"])
@doc("Importar sedes desde un CSV o XLSX (todas o ninguna); dry_run valida sin guardar",
     body=SiteImportForm, body_media=MULTIPART, response=SITES_RESULT, tags=("sites",),
     example={"created": 3, "updated": 1, "dry_run": False})
@requires(Role.ADMIN)
def sites_import():
    """Create or update sites from a file, as on /sedes: every row right, or a 422 listing each
    row's problem and nothing saved."""
    form = upload_form(SiteImportForm)
    upload = form.file.data
    try:
        return jsonify(import_sites(upload.stream, upload.filename or "", form.dry_run.data))
    except TabularError as exc:
        return refused(exc)


@bp.route("/planillas/import", methods=["POST"])
@doc("Importar una planilla de asistencia (CSV o XLSX): dry_run valida sin guardar; "
     "create_new crea los grupos y sesiones que falten; un archivo grande va a la cola (202)",
     body=ImportForm, body_media=MULTIPART, response=PLANILLA_RESULT, tags=("attendance",),
     also={202: ("Archivo grande: en cola; siga el trabajo en Location", JOB)},
     example={"dry_run": True, "rows": 2, "people": 1, "enrollments": 1, "cohorts": 0,
              "sessions": 0, "marks": 2, "completions": 0, "warnings": [],
              "warning_count": 0, "new_cohorts": [], "new_sessions": []})
@requires(Role.ADMIN)
def planillas_import():
    """Import a planilla as /planillas/importar does; a big one answers 202 and its job."""
    form = upload_form(ImportForm)
    upload = form.file.data
    try:
        outcome = submit_planilla(upload, upload.filename or "", dry_run=form.dry_run.data,
                                  create_new=form.create_new.data, actor_id=current_user.id)
    except TabularError as exc:
        return refused(exc)
    if isinstance(outcome, ImportJob):
        location = url_for("api.import_jobs_get", upload_id=outcome.id)
        return jsonify(job_json(outcome)), 202, {"Location": location}
    return jsonify(asdict(outcome))


@bp.route("/import-jobs/<int:upload_id>", methods=["GET"])
@doc("Un trabajo de importación en segundo plano: estado, filas leídas, resultado o errores",
     response=JOB, tags=("attendance",),
     example={"id": 7, "kind": "planilla", "filename": "marzo.csv", "state": "running",
              "state_label": "En curso", "finished": False,
              "options": {"dry_run": False, "create_new": True}, "rows_read": 4000,
              "result": None, "errors": [], "error_count": 0,
              "created_at": "2026-03-02T14:05:00Z", "finished_at": None})
@requires(Role.ADMIN)
@loads("upload_id", ImportJob)
def import_jobs_get(upload: ImportJob):
    """Poll a background import, as /planillas/importaciones/<id> does."""
    return jsonify(job_json(upload))
