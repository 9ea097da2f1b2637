"""The task queue: Huey, with storage picked here from ``TASK_QUEUE_URL``, and an outbox.

- Storage: ``SqliteHuey`` in ``instance/tasks.sqlite3`` by default (nothing to install),
  ``PostgresHuey`` for a ``postgresql://`` URL, ``RedisHuey`` for ``redis://``. Task code is
  the same on every backend; ``TASK_QUEUE_IMMEDIATE`` runs tasks in the caller (tests).
- Outbox: ``enqueue(fn, *args)`` writes a ``TaskRecord`` in the caller's transaction and
  ``commit()`` hands it to Huey only once that transaction has committed, so a rollback
  sends nothing. The record is also the delivery ledger: Huey pops a message before running
  it, so a consumer killed mid-task loses it; ``sweep()`` (every minute in the consumer)
  sends again whatever was never sent, or was taken and never finished.
- Every task runs at least once and may run twice; the record makes a finished task a no-op,
  and each task is written so that running it again changes nothing.
"""

from contextlib import nullcontext
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import Huey, crontab
from huey.constants import EmptyData
from huey.storage import PostgresStorage, RedisStorage, SqliteStorage
from sqlalchemy import JSON, String, Text, case, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from lms import log
from lms.extensions import db
from lms.timeutil import utcnow

#: Record states: pending (in the outbox), sent (to Huey), running, retrying, failed, done.
STATES = ("pending", "sent", "running", "retrying", "failed", "done")
#: A pending record older than this was committed by a process that died before sending it.
UNSENT_GRACE = timedelta(seconds=30)
#: Finished records are kept this long for the admin page, then deleted.
KEEP_DONE = timedelta(days=7)


class TaskRecord(db.Model):
    """One background task: what to run, and how far it got."""

    __tablename__ = "task_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Huey task name (module.function).
    name: Mapped[str] = mapped_column(String(120))
    #: Positional arguments (JSON: ids and codes, never personal data).
    args: Mapped[list] = mapped_column(JSON, default=list)
    #: One of STATES.
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    #: Times the task started running.
    attempts: Mapped[int] = mapped_column(default=0)
    #: Last error (type and message), kept after a successful retry.
    error: Mapped[str | None] = mapped_column(Text)
    #: When the transaction that asked for it committed the record (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it was last handed to Huey.
    sent_at: Mapped[datetime | None]
    #: When it last started running.
    started_at: Mapped[datetime | None]
    #: When it finished (done or failed for good).
    finished_at: Mapped[datetime | None]
    #: When Huey will try again after an error.
    retry_at: Mapped[datetime | None]


class _Queue(Huey):
    """Huey whose storage is chosen when the app is configured rather than at import."""

    def configure(self, url: str, immediate: bool, name: str = "lms") -> None:
        """Point the queue at ``url`` (or at memory, running tasks inline, if ``immediate``)."""
        self.storage.close()
        self.name = name
        self.storage_class, self.storage_kwargs = storage_for(url)
        self._immediate = immediate
        self.storage = self.create_storage()


huey = _Queue("lms", immediate=True, results=False, utc=True)


@huey.on_shutdown()
def _close_connections() -> None:
    # Each consumer thread holds its own PostgreSQL LISTEN connection: close it on the way out.
    huey.storage.close()


_app: Flask | None = None
_tasks: dict[str, object] = {}
_labels: dict[str, str] = {}


def storage_for(url: str) -> tuple[type, dict]:
    """The Huey storage class and its arguments for a ``TASK_QUEUE_URL``."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisStorage, {"url": url}
    if url.startswith(("postgres://", "postgresql://", "postgresql+psycopg://")):
        return PostgresStorage, {"dsn": "postgresql://" + url.split("://", 1)[1]}
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteStorage, {"filename": str(path)}
    raise ValueError(f"TASK_QUEUE_URL no reconocida: {url.split('://')[0]}://…")


def init_app(app: Flask) -> None:
    """Configure the queue for ``app``; the consumer runs tasks in this app's context."""
    global _app
    huey.configure(app.config["TASK_QUEUE_URL"], app.config.get("TASK_QUEUE_IMMEDIATE", False),
                   app.config.get("TASK_QUEUE_NAME", "lms"))
    _app = app


def task(label: str, retries: int = 5, retry_delay: int = 10, retry_backoff: float = 2,
         on_failure=None):
    """Declare ``fn(*args)`` a background task, retried with exponential backoff.

    ``fn`` stays an ordinary function; ``enqueue(fn, ...)`` runs it on the queue. It must
    flush rather than commit (the runner commits its work with the record), and must be
    idempotent. ``on_failure(error, *args)`` runs, in the same commit, when the last retry
    fails. ``label`` names it on the admin's page (Spanish).
    """

    def decorator(fn):
        name = f"{fn.__module__}.{fn.__name__}"
        _labels[name] = label

        @huey.task(retries=retries, retry_delay=retry_delay, retry_backoff=retry_backoff,
                   context=True, name=name)
        def run(record_id: int, task=None):
            _run(fn, record_id, task, on_failure)

        _tasks[name] = run
        fn.task_name = name
        return fn

    return decorator


def periodic(schedule: crontab):
    """Run ``fn()`` on a schedule in every consumer started without ``--no-periodic``."""

    def decorator(fn):
        @huey.periodic_task(schedule, name=f"{fn.__module__}.{fn.__name__}")
        def run():
            with _context():
                fn()

        return fn

    return decorator


def label(name: str) -> str:
    """The Spanish label of a task name (the name itself for a task no longer declared)."""
    return _labels.get(name, name)


def enqueue(fn, *args) -> TaskRecord:
    """Ask for ``fn(*args)`` in the background, once the current transaction commits."""
    record = TaskRecord(name=fn.task_name, args=list(args))
    db.session.add(record)
    db.session.flush()
    db.session.info.setdefault("outbox", []).append(record.id)
    return record


def commit() -> None:
    """Commit the session, then send the tasks its transaction recorded."""
    db.session.commit()
    ids = db.session.info.pop("outbox", None)
    if ids:
        send(ids)


def rollback() -> None:
    """Roll the session back and forget the tasks its transaction recorded."""
    db.session.rollback()
    db.session.info.pop("outbox", None)


def send(ids: list[int]) -> None:
    """Hand committed records to Huey; a queue that is down leaves them to ``sweep``."""
    rows = db.session.execute(
        select(TaskRecord.id, TaskRecord.name).where(TaskRecord.id.in_(ids))
    ).all()
    if not rows:
        return
    # Marked before sending: once in Huey a consumer may hold the row for as long as it runs.
    db.session.execute(
        update(TaskRecord).where(TaskRecord.id.in_([r for r, _ in rows]))
        .values(sent_at=utcnow(), state=case((TaskRecord.state == "pending", "sent"),
                                             else_=TaskRecord.state))
    )
    db.session.commit()
    for record_id, name in rows:
        try:
            _tasks[name](record_id)
        except Exception:  # the queue is unreachable: the sweep delivers it later
            log.failure("tasks.send_failed", task_id=record_id)
            db.session.execute(update(TaskRecord).where(TaskRecord.id == record_id,
                                                        TaskRecord.state == "sent")
                               .values(state="pending"))
            db.session.commit()


def sweep() -> int:
    """Send again what a dead process never sent, or a dead consumer never finished."""
    now = utcnow()
    stall = now - timedelta(seconds=current_app.config["TASK_STALL_SECONDS"])
    ids = list(db.session.scalars(select(TaskRecord.id).where(or_(
        (TaskRecord.state == "pending") & (TaskRecord.created_at < now - UNSENT_GRACE),
        (TaskRecord.state == "sent") & (TaskRecord.sent_at < stall),
        (TaskRecord.state == "running") & (TaskRecord.started_at < stall),
        (TaskRecord.state == "retrying") & (TaskRecord.retry_at < stall),
    )).order_by(TaskRecord.id).limit(1000)))
    db.session.rollback()
    if ids:
        send(ids)
    return len(ids)


def retry(record: TaskRecord) -> None:
    """Run a failed task again from the start (sent after the caller commits)."""
    record.state, record.finished_at, record.retry_at = "pending", None, None
    db.session.flush()
    db.session.info.setdefault("outbox", []).append(record.id)


def purge() -> int:
    """Delete finished records older than KEEP_DONE."""
    result = db.session.execute(
        TaskRecord.__table__.delete().where(TaskRecord.state == "done",
                                            TaskRecord.finished_at < utcnow() - KEEP_DONE))
    db.session.commit()
    return result.rowcount


def note(key: str, value) -> None:
    """Keep a small value (a task's progress) in the queue's storage, outside any transaction."""
    huey.storage.put_data(key, huey.serializer.serialize(value))


def noted(key: str, default=None):
    """The value last ``note``d under ``key``."""
    data = huey.storage.peek_data(key)
    return default if data is EmptyData else huey.serializer.deserialize(data)


def forget(key: str) -> None:
    """Drop a ``note``d value."""
    huey.storage.pop_data(key)


def ping() -> None:
    """Raise unless the queue's storage answers."""
    huey.storage.queue_size()


def _context():
    # Inline (immediate mode, tests) a task shares the caller's context and session; in a
    # consumer it gets a fresh app context, whose teardown closes the session.
    return nullcontext() if has_app_context() else _app.app_context()


def _run(fn, record_id: int, huey_task, on_failure) -> None:
    with _context():
        args = _claim(record_id)
        if args is None:
            return
        try:
            # The work's transaction holds the record's row: a second runner of the same
            # record (sent again after a stall) waits here, then finds it done and stops.
            state = db.session.scalar(select(TaskRecord.state).where(TaskRecord.id == record_id)
                                      .with_for_update())
            if state != "running":
                db.session.rollback()
                return
            fn(*args)
            db.session.execute(update(TaskRecord).where(TaskRecord.id == record_id)
                               .values(state="done", finished_at=utcnow(), retry_at=None))
            commit()
        except Exception as exc:
            db.session.rollback()
            _failed(record_id, exc, huey_task, on_failure, args)
            raise


def _claim(record_id: int) -> list | None:
    # One runner at a time: a record already done, or running and not stalled, is left be.
    # On PostgreSQL a second runner's UPDATE waits for the first's commit, then matches none.
    stall = utcnow() - timedelta(seconds=current_app.config["TASK_STALL_SECONDS"])
    claimed = db.session.execute(
        update(TaskRecord)
        .where(TaskRecord.id == record_id, or_(
            TaskRecord.state.in_(("pending", "sent", "retrying")),
            (TaskRecord.state == "running") & (TaskRecord.started_at < stall),
        ))
        .values(state="running", attempts=TaskRecord.attempts + 1, started_at=utcnow())
    ).rowcount
    args = db.session.scalar(select(TaskRecord.args).where(TaskRecord.id == record_id))
    db.session.commit()
    return args if claimed else None


def _failed(record_id: int, exc: Exception, huey_task, on_failure, args: list) -> None:
    left = huey_task.retries if huey_task is not None else 0
    now = utcnow()
    values = {"error": f"{type(exc).__name__}: {exc}"[:1000]}
    if left > 0:
        values.update(state="retrying", retry_at=now + timedelta(seconds=huey_task.retry_delay))
    else:
        values.update(state="failed", finished_at=now, retry_at=None)
        if on_failure is not None:
            on_failure(values["error"], *args)
    db.session.execute(update(TaskRecord).where(TaskRecord.id == record_id).values(**values))
    db.session.commit()


@periodic(crontab())
def _sweep_every_minute() -> None:
    sweep()


@periodic(crontab(minute="17", hour="3"))
def _purge_nightly() -> None:
    purge()
