"""Big sites files in the background, like big planillas (attendance.planilla_jobs).

A file over the configured size or row count (``tabular.jobs.is_large``) is only stored by
the request. The task checks it with reads only, then writes it in short transactions of
IMPORT_WRITE_CHUNK sites, each also recording how far it got, so on SQLite other writers
never wait long and a run that dies midway resumes after its last committed chunk. Sites
are written by code (create or update), so nothing is written twice.
"""

import io

from flask import current_app

from lms import tasks
from lms.courses.sites import check_sites, write_sites
from lms.database import reading
from lms.extensions import db
from lms.tabular import TabularError
from lms.tabular.jobs import ImportJob, finish, progress_key, queue


def queue_sites(upload, filename: str, *, dry_run: bool, actor_id: int | None) -> ImportJob:
    """Keep an uploaded sites file for the background import; the task runs after the commit."""
    return queue("sites", upload, filename, {"dry_run": bool(dry_run)}, run_sites_job, actor_id)


@tasks.task("Importar sedes", retries=2)
def run_sites_job(job_id: int) -> None:
    """Check a stored sites file, then write it chunk by chunk; a second run does nothing.

    Like the planilla task it commits as it goes (each chunk, with the job's progress).
    """
    job = db.session.get(ImportJob, job_id)
    if job is None or job.finished:
        return
    job.state = "running"
    tasks.commit()
    try:
        with reading():
            job = db.session.get(ImportJob, job_id)
            rows = check_sites(io.BytesIO(job.data), job.filename)
    except TabularError as refusal:
        finish(db.session.get(ImportJob, job_id), refusal=refusal)
        return
    job = db.session.get(ImportJob, job_id)
    if job.options.get("dry_run"):
        finish(job, result={**write_sites(rows, dry_run=True), "rows": len(rows)})
        return
    progress = job.result or {}
    counts = progress.get("partial") or {"created": 0, "updated": 0}
    codes, size = list(rows), current_app.config["IMPORT_WRITE_CHUNK"]
    for start in range(progress.get("applied", 0), len(codes), size):
        done = write_sites({code: rows[code] for code in codes[start : start + size]})
        counts = {key: counts[key] + done[key] for key in counts}
        applied = min(start + size, len(codes))
        db.session.get(ImportJob, job_id).result = {"applied": applied, "partial": counts}
        tasks.commit()
        tasks.note(progress_key(job_id), applied)
    finish(db.session.get(ImportJob, job_id),
           result={**counts, "rows": len(codes), "dry_run": False})
