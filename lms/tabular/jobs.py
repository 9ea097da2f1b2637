"""Imports too big for a request: the uploaded file is kept in an ``ImportJob`` and a
background task (declared by the domain that owns the import) reads it, so no request, and
no worker, waits minutes for a 100,000-row file; the page of the job shows its progress and
then its result or its first errors.

The file is stored in the database rather than on a disk, so any task consumer on any
machine can read it; it is deleted once the job has finished.
"""

from datetime import datetime

from flask import current_app
from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from lms import tasks
from lms.extensions import db
from lms.formatting import N_, label
from lms.tabular.report import TabularError
from lms.timeutil import utcnow

#: Job states, in order.
JOB_STATES = {"pending": N_("En cola"), "running": N_("En curso"), "done": N_("Terminada"),
              "failed": N_("Rechazada")}


class ImportJob(db.Model):
    """One uploaded file waiting for, or read by, a background import."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Which import reads it ("planilla", "sites").
    kind: Mapped[str] = mapped_column(String(20))
    #: The name it was uploaded with (decides CSV or XLSX).
    filename: Mapped[str] = mapped_column(String(255))
    #: The file itself, until the job finishes.
    data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    #: The import's choices (dry run, create new cohorts and sessions).
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    #: One of JOB_STATES.
    state: Mapped[str] = mapped_column(String(10), default="pending")
    #: What the import did (or would do): counts, new cohorts and sessions, warnings; while
    #: it writes, how far its committed chunks got ({"applied": row, "partial": counts}).
    result: Mapped[dict | None] = mapped_column(JSON)
    #: The first errors of a refused file (tabular.REPORT_LIMIT), as text.
    errors: Mapped[list | None] = mapped_column(JSON)
    #: How many errors the refused file had in all.
    error_count: Mapped[int] = mapped_column(default=0)
    #: Who uploaded it (the audit attributes the import's changes to them).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: When it was uploaded (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it finished (UTC).
    finished_at: Mapped[datetime | None]

    @property
    def state_label(self) -> str:
        """The state in the reader's language."""
        return label(JOB_STATES.get(self.state, self.state))

    @property
    def finished(self) -> bool:
        """Whether there is nothing left to wait for."""
        return self.state in ("done", "failed")


def is_large(stream, filename: str) -> bool:
    """Whether a file is over ``IMPORT_BACKGROUND_BYTES`` or (CSV) ``IMPORT_BACKGROUND_ROWS``."""
    stream = getattr(stream, "stream", stream)
    start = stream.tell()
    size = stream.seek(0, 2)
    stream.seek(start)
    config = current_app.config
    if size > config["IMPORT_BACKGROUND_BYTES"]:
        return True
    if not filename.lower().endswith((".csv", ".txt")):
        return False
    lines = 0
    while chunk := stream.read(1024 * 1024):
        lines += chunk.count(b"\n")
    stream.seek(start)
    return lines > config["IMPORT_BACKGROUND_ROWS"]


def queue(kind: str, stream, filename: str, options: dict, task, actor_id: int | None):
    """Keep the file in a new job and ask for ``task(job_id)`` once the caller commits."""
    stream = getattr(stream, "stream", stream)
    job = ImportJob(kind=kind, filename=filename, data=stream.read(), options=options,
                    created_by_id=actor_id)
    db.session.add(job)
    db.session.flush()
    tasks.enqueue(task, job.id)
    return job


def progress_key(job_id: int) -> str:
    """Where the task notes how many rows it has read (the queue's storage, not the database:
    the check that reads the whole file first writes nothing)."""
    return f"import-progress:{job_id}"


def finish(job: ImportJob, result: dict | None = None, refusal: TabularError | None = None):
    """Record a job's outcome and drop its file."""
    job.data = None
    job.finished_at = utcnow()
    if refusal is not None:
        job.state, job.error_count = "failed", refusal.count
        job.errors = [str(error) for error in refusal.errors]
    else:
        job.state, job.result = "done", result
    tasks.forget(progress_key(job.id))
