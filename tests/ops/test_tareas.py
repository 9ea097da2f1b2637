"""The admin's "Tareas" page: running, scheduled, failed and retried tasks, retry; /healthz."""

from sqlalchemy import select

from lms import mail, tasks
from lms.extensions import db as _db
from lms.mail import MailMessage
from lms.tasks import TaskRecord
from tests.ops.conftest import mail_to_folder, mail_to_nobody, run_due_retries


def _failed_mail(app, monkeypatch):
    mail_to_nobody(monkeypatch, app.config)
    message = mail.send("ana@example.org", "Hola", "Cuerpo")
    tasks.commit()
    run_due_retries()
    return message, _db.session.scalar(select(TaskRecord))


def test_page_lists_failed_and_retried_tasks_and_retries_one(app, client, login, admin, db,
                                                             monkeypatch, mailbox):
    message, record = _failed_mail(app, monkeypatch)
    login(admin)
    page = client.get("/admin/tareas").get_data(as_text=True)
    failed = page.split('id="tareas-failed"')[1].split("</table>")[0]
    assert f"<td>{record.id}</td>" in failed and "Enviar correos" in failed
    assert "ConnectionRefusedError" in failed and "Reintentar" in failed
    retried = page.split('id="tareas-retried"')[1].split("</table>")[0]
    assert f"<td>{record.id}</td>" in retried and "<td>9</td>" in retried
    assert "ana@example.org" not in page  # arguments are ids, never personal data

    mail_to_folder(monkeypatch, app.config, mailbox)
    response = client.post(f"/admin/tareas/{record.id}/reintentar", follow_redirects=True)
    assert f"La tarea {record.id} se volvió a enviar." in response.get_data(as_text=True)
    _db.session.expire_all()
    assert (record.state, record.attempts) == ("done", 10)
    assert _db.session.get(MailMessage, message.id).sent_at is not None
    assert len(list(mailbox.iterdir())) == 1
    again = client.post(f"/admin/tareas/{record.id}/reintentar", follow_redirects=True)
    assert "no está fallida" in again.get_data(as_text=True)
    assert record.attempts == 10


def test_running_and_scheduled_tasks_are_listed(client, login, admin, db):
    login(admin)
    running = TaskRecord(name="lms.mail.deliver", args=[1], state="running", attempts=1)
    waiting = TaskRecord(name="lms.certificates.status.publish", args=[], state="sent")
    _db.session.add_all([running, waiting])
    _db.session.flush()
    page = client.get("/admin/tareas").get_data(as_text=True)
    assert f"<td>{running.id}</td>" in page.split('id="tareas-running"')[1].split("</table>")[0]
    scheduled = page.split('id="tareas-scheduled"')[1].split("</table>")[0]
    assert f"<td>{waiting.id}</td>" in scheduled and "Publicar la lista de estado" in scheduled


def test_tasks_command_lists_the_same(runner, app, db, monkeypatch):
    _, record = _failed_mail(app, monkeypatch)
    result = runner.invoke(args=["lms", "tasks"])
    assert result.exit_code == 0
    assert "== Fallidas: 1" in result.output
    assert f"#{record.id} Enviar correos [failed, 9 intentos] · ConnectionRefusedError" \
        in result.output


def test_healthz_reports_database_and_queue(client, app, own_queue):
    ok = client.get("/healthz")
    assert ok.status_code == 200
    assert ok.get_json() == {"status": "ok", "database": "ok", "queue": "ok"}
    tasks.huey.configure("redis://127.0.0.1:1/0", immediate=False)  # a queue that is down
    down = client.get("/healthz")
    assert down.status_code == 503
    assert down.get_json() == {"status": "error", "database": "ok", "queue": "error"}
