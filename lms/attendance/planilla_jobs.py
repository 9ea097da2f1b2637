"""Big planillas in the background: the same import, run by a task on a stored file.

A file over the configured size or row count (``tabular.jobs.is_large``) is not read in the
request: the request only stores it (a short write) and the job's page follows the task.
The task checks the whole file with reads only, then writes it in short transactions, one
per chunk, each also recording in the job how far it got and what it did; so on SQLite
other writers (a login) never wait long, and a run that dies midway resumes after its last
committed chunk (the task is retried) with exact counts.
"""

import io
from dataclasses import asdict

from sqlalchemy import func, select

from lms import tasks
from lms.attendance.planilla_check import check_planilla
from lms.attendance.planilla_import import apply_planilla, import_planilla
from lms.attendance.planilla_rows import ImportResult
from lms.audit.services import system_actor
from lms.database import reading
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


def unfinished_count() -> int:
    """How many planilla uploads wait in the queue or are being imported (one query)."""
    return db.session.scalar(select(func.count(ImportJob.id)).where(
        ImportJob.kind == "planilla", ImportJob.state.in_(("pending", "running"))))


@tasks.task("Importar planilla", retries=2)
def run_planilla_job(job_id: int) -> None:
    """Check a stored planilla, then write it chunk by chunk; a second run does nothing.

    Unlike other tasks it commits as it goes (each chunk, with the job's progress), so
    that no transaction holds SQLite's write lock for the whole file.
    """
    job = db.session.get(ImportJob, job_id)
    if job is None or job.finished:
        return
    job.state = "running"
    tasks.commit()
    key = progress_key(job_id)
    token = system_actor.set(job.created_by_id)
    try:
        with reading():
            job = db.session.get(ImportJob, job_id)
            plan = check_planilla(io.BytesIO(job.data), job.filename, job.options["create_new"],
                                  progress=lambda rows: tasks.note(key, rows))
        job = db.session.get(ImportJob, job_id)
        if job.options["dry_run"]:
            finish(job, result=_report(plan.result))
            return
        progress = job.result or {}

        def committed(row: int, result: ImportResult) -> None:
            # The chunk and how far it got are one commit: a retry resumes after ``row``.
            db.session.get(ImportJob, job_id).result = {"applied": row,
                                                        "partial": asdict(result)}
            tasks.commit()
            tasks.note(key, row)

        result = apply_planilla(io.BytesIO(job.data), job.filename, plan,
                                create_new=job.options["create_new"],
                                after=progress.get("applied", 0),
                                partial=progress.get("partial"), on_chunk=committed)
        finish(db.session.get(ImportJob, job_id), result=_report(result))
    except TabularError as refusal:
        tasks.rollback()
        # Rows a rule refused only at the write (a seat taken meanwhile): the chunks before
        # stay, and the job's result keeps how far they got (its page says so); importing
        # the file again writes the rest, nothing twice.
        finish(db.session.get(ImportJob, job_id), refusal=refusal)
    finally:
        system_actor.reset(token)


def _report(result: ImportResult) -> dict:
    return {**asdict(result), "summary": result.summary()}
