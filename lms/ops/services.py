"""What the operations pages read and do: the task records by state, retrying a failed
task, and whether the database and the queue answer."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, text

from lms import tasks
from lms.errors import ValidationError
from lms.extensions import db
from lms.mail import MailMessage
from lms.tasks import TaskRecord

#: Rows shown per group on the page.
LIMIT = 50
#: The page's groups: (key, heading, condition), newest first within each.
GROUPS = (
    ("running", _l("En ejecución"), TaskRecord.state == "running"),
    ("scheduled", _l("Programadas"), TaskRecord.state.in_(("pending", "sent", "retrying"))),
    ("failed", _l("Fallidas"), TaskRecord.state == "failed"),
    ("retried", _l("Reintentadas"), TaskRecord.attempts > 1),
)


def overview() -> list[tuple[str, str, list[TaskRecord]]]:
    """Each group's newest records (a retried task also shows in its current group)."""
    return [
        (key, heading, list(db.session.scalars(
            select(TaskRecord).where(condition).order_by(TaskRecord.id.desc()).limit(LIMIT))))
        for key, heading, condition in GROUPS
    ]


def failed_count() -> int:
    """How many background tasks ran out of retries, in one aggregate query."""
    return db.session.scalar(select(func.count(TaskRecord.id)).where(TaskRecord.state == "failed"))


def undelivered() -> list[MailMessage]:
    """The newest e-mails that bounced or ran out of retries."""
    return list(db.session.scalars(
        select(MailMessage).where(MailMessage.status.in_(("bounced", "failed")))
        .order_by(MailMessage.id.desc()).limit(LIMIT)))


def retry(record: TaskRecord) -> None:
    """Run a failed task again with a fresh set of retries (sent after the commit)."""
    if record.state != "failed":
        raise ValidationError(_("La tarea %(id)s no está fallida; no se reintenta.", id=record.id))
    tasks.retry(record)


def health() -> tuple[bool, dict[str, str]]:
    """Whether the database and the queue answer; names no data, only "ok" or "error"."""
    checks = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception:  # any failure means unhealthy, whatever the driver raised
        db.session.rollback()
        checks["database"] = "error"
    try:
        tasks.ping()
        checks["queue"] = "ok"
    except Exception:  # Redis/PostgreSQL/SQLite errors differ; all mean unreachable
        checks["queue"] = "error"
    return all(v == "ok" for v in checks.values()), checks
