"""The outbox: tasks leave only after their transaction commits; a rollback sends nothing;
a task delivered twice, or run twice, changes nothing the second time."""

from flask import abort
from sqlalchemy import func, select

from lms import mail, tasks
from lms.extensions import db as _db
from lms.mail import MailMessage
from lms.tasks import TaskRecord
from tests.certificates.conftest import standalone_app


def _records(state=None):
    query = select(func.count(TaskRecord.id))
    if state:
        query = query.where(TaskRecord.state == state)
    return _db.session.scalar(query)


def test_commit_sends_and_rollback_sends_nothing(db, mailbox):
    mail.send("ana@example.org", "Hola", "Cuerpo")
    assert _records("pending") == 1 and not mailbox.exists()  # recorded, not sent
    tasks.rollback()
    assert _records() == 0 and not mailbox.exists()
    message = mail.send("ana@example.org", "Hola", "Cuerpo")
    tasks.commit()
    assert [p.name for p in mailbox.iterdir()] == [f"mail-{message.id}.eml"]
    record = _db.session.scalar(select(TaskRecord))
    assert (record.state, record.attempts, record.args) == ("done", 1, [message.id])
    assert _db.session.get(MailMessage, message.id).sent_at is not None


def test_requests_send_after_their_commit_and_failed_requests_send_nothing(tmp_path, own_queue):
    folder = tmp_path / "mail"
    with standalone_app(tmp_path, MAIL_BACKEND="file", MAIL_FILE_PATH=str(folder)) as app:

        @app.post("/_prueba/<int:status>")
        def enqueue_then_answer(status):
            mail.send("ana@example.org", "Asunto", "Cuerpo")
            if status >= 400:
                abort(status)
            return "ok"

        client = app.test_client()
        assert client.post("/_prueba/500").status_code == 500
        assert client.post("/_prueba/422").status_code == 422
        with app.app_context():
            assert _db.session.scalar(select(func.count(TaskRecord.id))) == 0
            assert _db.session.scalar(select(func.count(MailMessage.id))) == 0
        assert not folder.exists()
        assert client.post("/_prueba/200").status_code == 200
        assert len(list(folder.iterdir())) == 1
        with app.app_context():
            assert _db.session.scalar(select(TaskRecord.state)) == "done"


def test_a_command_that_fails_sends_nothing(runner, db, mailbox):
    bad = runner.invoke(args=["lms", "send-test-mail", "no-es-un-correo"])
    assert bad.exit_code == 1 and "El correo del destinatario no es válido" in bad.output
    assert _records() == 0 and not mailbox.exists()
    good = runner.invoke(args=["lms", "send-test-mail", "ana@example.org"])
    assert good.exit_code == 0, good.output
    assert len(list(mailbox.iterdir())) == 1 and _records("done") == 1


def test_delivering_a_finished_task_again_changes_nothing(db, mailbox):
    message = mail.send("ana@example.org", "Hola", "Cuerpo")
    tasks.commit()
    record = _db.session.scalar(select(TaskRecord))
    eml = next(mailbox.iterdir())
    first = (eml.stat().st_mtime_ns, _db.session.get(MailMessage, message.id).sent_at)
    tasks.send([record.id])  # a duplicate delivery, as the sweep or a retry could cause
    _db.session.expire_all()
    assert (record.state, record.attempts) == ("done", 1)
    assert (eml.stat().st_mtime_ns, _db.session.get(MailMessage, message.id).sent_at) == first


def test_running_a_task_twice_sends_the_mail_once(db, mailbox):
    message = mail.send("ana@example.org", "Hola", "Cuerpo")
    _db.session.flush()
    mail.deliver(message.id)
    eml = next(mailbox.iterdir())
    sent_at, written = message.sent_at, eml.stat().st_mtime_ns
    mail.deliver(message.id)
    assert message.sent_at == sent_at and eml.stat().st_mtime_ns == written
    assert len(list(mailbox.iterdir())) == 1


def test_sweep_sends_what_a_dead_process_left_behind(app, db, mailbox, monkeypatch):
    from datetime import timedelta

    from lms.timeutil import utcnow

    message = mail.send("ana@example.org", "Hola", "Cuerpo")
    record = _db.session.scalar(select(TaskRecord))
    _db.session.commit()  # committed, but the process "died" before sending
    _db.session.info.pop("outbox", None)
    assert tasks.sweep() == 0  # too recent: its own process may still be sending it
    record.created_at = utcnow() - timedelta(minutes=5)
    _db.session.commit()
    assert tasks.sweep() == 1
    assert _db.session.get(MailMessage, message.id).sent_at is not None
    # A consumer that died mid-task: running, started long ago, never finished.
    second = mail.send("luis@example.org", "Hola", "Cuerpo")
    stalled = _db.session.scalar(select(TaskRecord).where(TaskRecord.id != record.id))
    stalled.state, stalled.started_at = "running", utcnow() - timedelta(hours=1)
    _db.session.commit()
    _db.session.info.pop("outbox", None)
    assert tasks.sweep() == 1
    _db.session.expire_all()
    assert (stalled.state, stalled.attempts) == ("done", 1)
    assert _db.session.get(MailMessage, second.id).sent_at is not None
    assert tasks.sweep() == 0


def test_failures_are_retried_with_backoff_then_marked_failed(app, db, monkeypatch):
    from tests.ops.conftest import mail_to_nobody, run_due_retries

    mail_to_nobody(monkeypatch, app.config)  # nobody listens
    message = mail.send("ana@example.org", "Hola", "Cuerpo")
    tasks.commit()
    record = _db.session.scalar(select(TaskRecord))
    assert record.state == "retrying" and record.retry_at is not None
    assert "ConnectionRefusedError" in record.error
    run_due_retries()
    _db.session.expire_all()
    assert (record.state, record.attempts) == ("failed", 9)  # first run + 8 retries
    assert _db.session.get(MailMessage, message.id).sent_at is None
