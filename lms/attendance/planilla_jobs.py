"""Big planillas in the background: the same import, run by a task on a stored file.

A file over the configured size or row count (``tabular.jobs.is_large``) is not read in the
request: the request only stores it (a short write) and the job's page follows the task.
"""

import io
from dataclasses import asdict

from lms import tasks
from lms.attendance.planilla_import import import_planilla
from lms.audit.services import system_actor
from lms.extensions import db
from lms.tabular import TabularError
from lms.tabular.jobs import ImportJob, finish, is_large, progress_key, queue


def queue_planilla(upload, filename: str, *, dry_run: bool, create_new: bool,
                   actor_id: int | None) -> ImportJob:
    """Keep an uploaded planilla for the background import; the task runs after the commit."""
    return queue("planilla", upload, filename,
                 {"dry_run": bool(dry_run), "create_new": bool(create_new)},
                 run_planilla_job, actor_id)


def submit_planilla(upload, filename: str, *, dry_run: bool, create_new: bool,
                    actor_id: int | None):
    """Import a planilla now, or queue it if it is big: the ImportResult, or the ImportJob.

    The page and the API both call this, so they split files at the same size.
    """
    options = {"dry_run": bool(dry_run), "create_new": bool(create_new)}
    if is_large(upload, filename):
        return queue_planilla(upload, filename, actor_id=actor_id, **options)
    return import_planilla(upload, filename, **options)


@tasks.task("Importar planilla", retries=2)
def run_planilla_job(job_id: int) -> None:
    """Import a stored planilla in one transaction (the task's); a second run does nothing."""
    job = db.session.get(ImportJob, job_id)
    if job is None or job.finished:
        return
    job.state = "running"
    key = progress_key(job_id)
    token = system_actor.set(job.created_by_id)
    try:
        with db.session.begin_nested() as savepoint:
            try:
                result = import_planilla(io.BytesIO(job.data), job.filename,
                                         progress=lambda rows: tasks.note(key, rows),
                                         **job.options)
            except TabularError as refusal:
                savepoint.rollback()
                finish(job, refusal=refusal)
                return
        finish(job, result={**asdict(result), "summary": result.summary()})
    finally:
        system_actor.reset(token)
