"""Batch issue on the task queue, with progress an admin page polls.

The request that starts a batch records an IssueJob and enqueues ``plan`` (sent once the
request commits). ``plan`` lists the pending enrollments once and enqueues one
``issue_chunk`` per CHUNK of them, so every consumer can take a share. A chunk commits its
documents together with its task record (lms/tasks.py): a consumer killed mid-chunk leaves
nothing half-done and the chunk is sent again; a chunk delivered twice runs once, and its
enrollments are re-checked, so no enrollment ever gets a second document from a batch.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, update

from lms import tasks
from lms.audit.services import system_actor
from lms.certificates import issue
from lms.certificates.models import IssueJob
from lms.courses.models import Cohort, Course
from lms.errors import ValidationError
from lms.extensions import db
from lms.timeutil import utcnow

#: Documents per commit: small enough for lively progress, large enough to stay fast.
CHUNK = 100


def create_job(course_code: str | None, cohort_code: str | None, user_id: int | None) -> IssueJob:
    """Record a batch request after checking its filters, and queue it (sent after commit)."""
    course_code, cohort_code = (course_code or "").strip(), (cohort_code or "").strip()
    if course_code and db.session.scalar(db.select(Course.id).filter_by(code=course_code)) is None:
        raise ValidationError(_(
            "No existe el curso %(course_code)s.",
            course_code=course_code,
        ), "course")
    if cohort_code and db.session.scalar(db.select(Cohort.id).filter_by(code=cohort_code)) is None:
        raise ValidationError(_(
            "No existe el grupo %(cohort_code)s.",
            cohort_code=cohort_code,
        ), "cohort")
    job = IssueJob(course_code=course_code or None, cohort_code=cohort_code or None,
                   created_by_id=user_id)
    db.session.add(job)
    db.session.flush()
    tasks.enqueue(plan, job.id)
    return job


def fail(error: str, job_id: int, *_args) -> None:
    """Mark a job failed when one of its chunks ran out of retries (retried from Tareas)."""
    db.session.execute(update(IssueJob).where(IssueJob.id == job_id)
                       .values(state="failed", error=error[:300], finished_at=utcnow()))


@tasks.task(_l("Preparar emisión en lote"), on_failure=fail)
def plan(job_id: int) -> None:
    """Split a queued job into chunks; a job already planned is left alone."""
    job = db.session.get(IssueJob, job_id, with_for_update=True)
    if job is None or job.state != "queued":
        return
    ids = issue.pending_ids(job.course_code, job.cohort_code)
    job.total, job.state = len(ids), "running" if ids else "done"
    if not ids:
        job.finished_at = utcnow()
    for start in range(0, len(ids), CHUNK):
        tasks.enqueue(issue_chunk, job_id, ids[start : start + CHUNK])
    db.session.flush()


@tasks.task(_l("Emitir un tramo del lote"), on_failure=fail)
def issue_chunk(job_id: int, enrollment_ids: list[int]) -> None:
    """Issue the chunk's still-pending documents and count the chunk into the job."""
    job = db.session.get(IssueJob, job_id)
    token = system_actor.set(job.created_by_id)
    try:
        for _batch in issue.issue_pending(enrollment_ids, job.created_by_id, chunk=CHUNK):
            pass
    finally:
        system_actor.reset(token)
    # One statement, so chunks finishing at once on two consumers never lose a count.
    done = IssueJob.done + len(enrollment_ids)
    db.session.execute(
        update(IssueJob).where(IssueJob.id == job_id).values(
            done=done,
            state=case((done >= IssueJob.total, "done"), else_="running"),
            finished_at=case((done >= IssueJob.total, utcnow()), else_=None),
        )
    )
    db.session.expire(job)


def progress(job: IssueJob) -> dict:
    """What the progress page polls."""
    return {
        "id": job.id,
        "state": job.state,
        "total": job.total,
        "done": job.done,
        "error": job.error,
        "finished": job.finished_at.isoformat() + "Z" if job.finished_at else None,
    }
