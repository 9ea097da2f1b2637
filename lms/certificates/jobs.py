"""Batch issue in the background, with progress an admin page polls.

The embedded default needs nothing beyond ``make run``: the request that starts a
batch records an IssueJob, commits, and hands the work to a daemon thread in the
same process, which commits after every chunk so progress is visible and a crash
keeps what was already issued. (Under gunicorn the thread lives in the worker that
took the request; a restart marks nothing as lost because unfinished enrollments
are simply still pending and the next batch picks them up.) Tests and the CLI run
the same function inline (``CERT_ISSUE_INLINE``).
"""

import threading

from flask import Flask, current_app

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
    """Record a batch request after checking its filters (flushes; the view commits)."""
    course_code, cohort_code = (course_code or "").strip(), (cohort_code or "").strip()
    if course_code and db.session.scalar(db.select(Course.id).filter_by(code=course_code)) is None:
        raise ValidationError(f"No existe el curso {course_code}.", "course")
    if cohort_code and db.session.scalar(db.select(Cohort.id).filter_by(code=cohort_code)) is None:
        raise ValidationError(f"No existe el grupo {cohort_code}.", "cohort")
    job = IssueJob(course_code=course_code or None, cohort_code=cohort_code or None,
                   created_by_id=user_id)
    db.session.add(job)
    db.session.flush()
    return job


def start(job_id: int) -> None:
    """Run the job in a background thread (or inline when CERT_ISSUE_INLINE is set)."""
    app = current_app._get_current_object()
    if app.config.get("CERT_ISSUE_INLINE"):
        run(job_id)
        return
    threading.Thread(target=_run_in_app, args=(app, job_id), daemon=True,
                     name=f"issue-job-{job_id}").start()


def _run_in_app(app: Flask, job_id: int) -> None:
    with app.app_context():
        try:
            run(job_id)
        finally:
            db.session.remove()


def run(job_id: int) -> IssueJob:
    """Issue every pending document the job covers, committing per chunk."""
    job = db.session.get(IssueJob, job_id)
    token = system_actor.set(job.created_by_id)
    try:
        ids = issue.pending_ids(job.course_code, job.cohort_code)
        job.total, job.state = len(ids), "running"
        db.session.commit()
        for count in issue.issue_pending(ids, job.created_by_id, chunk=CHUNK):
            job.done += count
            db.session.commit()
        job.state, job.finished_at = "done", utcnow()
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        job = db.session.get(IssueJob, job_id)
        job.state, job.finished_at = "failed", utcnow()
        job.error = f"{type(exc).__name__}: {exc}"[:300]
        db.session.commit()
        current_app.logger.exception("Issue job %s failed", job_id)
    finally:
        system_actor.reset(token)
    return job


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
