"""The queue with real consumers: Huey's own consumer threads on SqliteHuey, and `make run`
(web server plus consumer, no Redis, no PostgreSQL) stopped by Ctrl-C."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms import tasks
from lms.auth.sessions import sign_in
from lms.certificates.models import Certificate, IssueJob
from lms.extensions import db as _db
from tests import factories
from tests.certificates.conftest import completed_enrollment, standalone_app
from tests.ops.test_web_tier import REDIS_URL

ROOT = Path(__file__).resolve().parents[2]


def _wait(condition, seconds: float, step: float = 0.2):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return condition()


def _backends():
    # Every storage TASK_QUEUE_URL can name; PostgreSQL in the PostgreSQL run of the suite.
    found = ["sqlite", "redis"]
    if os.environ.get("LMS_TEST_DB_URL"):
        found.append("postgresql")
    return found


def _queue_url(backend, tmp_path, app):
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    if backend == "redis":
        return REDIS_URL
    return app.config["SQLALCHEMY_DATABASE_URI"]  # this worker's test database


@pytest.mark.parametrize("backend", _backends())
def test_a_consumer_issues_a_batch_only_after_the_request_commits(tmp_path, app, own_queue,
                                                                   backend):
    queue = _queue_url(backend, tmp_path, app)
    name = f"lms-test-{uuid.uuid4().hex[:12]}"  # test workers sharing Redis never cross
    with standalone_app(tmp_path, TASK_QUEUE_IMMEDIATE=False, TASK_QUEUE_URL=queue,
                        TASK_QUEUE_NAME=name) as app:
        with app.app_context():
            admin = factories.user("admin")
            cohort = factories.cohort()
            for _ in range(7):
                completed_enrollment(cohort)
            code, admin_ident = cohort.code, admin.get_id()
            _db.session.commit()
        client = app.test_client()
        with client.session_transaction() as session:
            sign_in(session, admin_ident)
        response = client.post("/admin/certificados/lotes", data={"cohort": code})
        assert response.status_code == 302
        status_url = response.headers["Location"] + ".json"
        assert client.get(status_url).get_json()["state"] == "queued"  # no consumer yet
        assert tasks.huey.pending_count() == 1

        consumer = tasks.huey.create_consumer(workers=2, worker_type="thread", periodic=False,
                                              check_worker_health=False, max_delay=0.2)
        consumer.start()
        try:
            done = _wait(lambda: client.get(status_url).get_json()["state"] == "done", 60)
        finally:
            consumer.stop(graceful=True)
        assert done, client.get(status_url).get_json()
        assert tasks.huey.pending_count() == 0
        tasks.huey.storage.flush_all()
        with app.app_context():
            per_enrollment = _db.session.execute(
                select(Certificate.enrollment_id, func.count()).group_by(Certificate.enrollment_id)
            ).all()
            assert len(per_enrollment) == 7 and {n for _, n in per_enrollment} == {1}
            job = _db.session.scalar(select(IssueJob))
            assert (job.total, job.done) == (7, 7)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _session_pids(sid: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid:  # field 6 of /proc/PID/stat: the session id
            pids.append(int(stat.parent.name))
    return pids


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _health(port: int) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
            return response.status == 200 and response.read()
    except OSError:
        return None


def test_make_run_serves_the_app_and_a_consumer_and_ctrl_c_stops_both(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in (
        "DATABASE_URL", "TASK_QUEUE_URL", "RATELIMIT_STORAGE_URI", "MAIL_BACKEND", "MAIL_SERVER",
        "SECRET_KEY")}
    env.update(LMS_INSTANCE_PATH=str(tmp_path), LMS_ADMIN_PASSWORD="clave-de-prueba-123",
               LMS_SIGNING_KEY_DIR=str(tmp_path / "keys"))
    port = _free_port()
    log = (tmp_path / "make-run.log").open("wb")
    make = subprocess.Popen(["make", "run", f"PORT={port}"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        # Polled often: the server is up within seconds, and each second waited is the suite's.
        assert _wait(lambda: _health(port), 240, 0.1), (tmp_path / "make-run.log").read_text()
        pids = _session_pids(make.pid)
        commands = [_cmdline(p) for p in pids]
        assert any("huey_consumer wsgi.huey" in c for c in commands), commands
        assert any("flask --app wsgi run" in c for c in commands), commands
        # The consumer works: a queued e-mail lands in instance/mail/.
        subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "lms", "send-test-mail",
                        "ana@example.org"], cwd=ROOT, env=env, check=True, capture_output=True)
        assert _wait(lambda: list((tmp_path / "mail").glob("*.eml")), 60, 0.05), \
            (tmp_path / "make-run.log").read_text()

        os.killpg(make.pid, signal.SIGINT)  # what Ctrl-C sends to the terminal's process group
        make.wait(timeout=60)
        assert _wait(lambda: not [p for p in pids if _cmdline(p)], 30, 0.05), \
            [_cmdline(p) for p in pids]
        assert _health(port) is None
    finally:
        if make.poll() is None or _session_pids(make.pid):
            os.killpg(make.pid, signal.SIGKILL)
        log.close()
