"""While a planilla import runs, the service keeps answering (issue 9 part 8, issue 16 part 2).

- A small file, written in the request's one transaction: reads (``/v/CODE.json``) answer
  within a second, and on SQLite a writer that cannot get the lock in time gets a 503 with
  ``Retry-After`` and a Spanish message, never a 500.
- A big file, in the background: it is checked with reads only, then written in short
  transactions, so a login (a writer) succeeds while it runs, whether it is caught in the
  check or between two chunks; and a run that dies midway resumes without writing twice.

Real requests in threads, on a committed database; the import is held open at a chosen stage.
"""

import threading
import time
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from lms.attendance.models import Attendance
from lms.audit.models import AuditEntry
from lms.auth.sessions import sign_in
from lms.certificates.issue import issue_for
from lms.extensions import db as _db
from lms.people.models import Person
from lms.tabular.jobs import ImportJob
from tests import factories
from tests.factories import PASSWORD
from tests.imports.conftest import PLANILLA_HEADER, planilla_row, upload

STUCK = 120


def _world(app):
    with app.app_context():
        admin = factories.user(role="admin")
        factories.course(code="TIC-BASICO", hours=20)
        factories.site(code="CAC-ATALAYA")
        certificate = issue_for(factories.enrollment(status="completo", hours_credited=20,
                                                     completed_on=date(2021, 5, 15)))
        _db.session.commit()
        return admin.get_id(), certificate.code


def test_reads_answer_and_writers_get_a_503_while_an_import_writes(committed, monkeypatch):
    app = committed
    admin, code = _world(app)
    sqlite = app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    monkeypatch.setitem(app.config, "SQLITE_BUSY_TIMEOUT_MS", 300)
    with app.app_context():
        _db.engine.dispose()  # new connections take the shorter wait
    writing, release = threading.Event(), threading.Event()
    from lms.attendance import planilla_import

    original = planilla_import._Importer._write_marks

    def held(self):
        writing.set()
        release.wait(STUCK)
        return original(self)

    monkeypatch.setattr(planilla_import._Importer, "_write_marks", held)
    importer = FlaskClient(app, app.response_class, use_cookies=True)
    with importer.session_transaction() as session:
        sign_in(session, admin)
    rows = [planilla_row(str(1_090_111_000 + n)) for n in range(40)]
    data = ("\n".join(",".join(r) for r in [PLANILLA_HEADER, *rows]) + "\n").encode()
    outcome = {}
    thread = threading.Thread(target=lambda: outcome.update(
        response=upload(importer, "/planillas/importar", data, "p.csv", create_new="y")))
    thread.start()
    try:
        assert writing.wait(STUCK)
        other = FlaskClient(app, app.response_class)
        started = time.perf_counter()
        read = other.get(f"/v/{code}.json")
        elapsed = time.perf_counter() - started
        assert read.status_code == 200 and read.get_json()["code"] == code
        assert elapsed < 1, f"/v/CODE.json took {elapsed:.2f} s behind the import"
        write = other.post("/login", data={"email": "nadie@example.org", "password": "x" * 12})
        if sqlite:
            assert write.status_code == 503
            assert write.headers["Retry-After"] == "2"
            assert "El servicio está ocupado" in write.get_data(as_text=True)
        else:
            assert write.status_code < 500  # PostgreSQL writers do not share one lock
    finally:
        release.set()
        thread.join(STUCK)
    assert outcome["response"].status_code == 200
    assert "Planilla importada" in outcome["response"].get_data(as_text=True)


def _big_job(app, rows: int) -> tuple[int, str]:
    """A committed admin and a stored planilla job of ``rows`` new people."""
    with app.app_context():
        admin = factories.user(role="admin")
        factories.course(code="TIC-BASICO", hours=20)
        factories.site(code="CAC-ATALAYA")
        lines = [PLANILLA_HEADER, *(planilla_row(str(1_090_111_000 + n)) for n in range(rows))]
        job = ImportJob(kind="planilla", filename="grande.csv", created_by_id=admin.id,
                        data=("\n".join(",".join(r) for r in lines) + "\n").encode(),
                        options={"dry_run": False, "create_new": True})
        _db.session.add(job)
        _db.session.commit()
        return job.id, admin.email


def _run_job(app, job_id: int, outcome: dict) -> None:
    from lms.attendance.planilla_jobs import run_planilla_job

    with app.app_context():
        try:
            run_planilla_job(job_id)
            _db.session.commit()
        except Exception as exc:  # the task runner would retry; the test looks at it
            _db.session.rollback()
            outcome["error"] = exc


def _counts(app, job_id: int) -> tuple:
    with app.app_context():
        job = _db.session.get(ImportJob, job_id)
        marks = _db.session.scalar(select(func.count(Attendance.id)))
        people = _db.session.scalar(select(func.count(Person.id)))
        audited = _db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.entity == "attendance"))
        return job.state, job.result, marks, people, audited


@pytest.mark.parametrize("stage", ["check", "between_chunks"])
def test_a_login_succeeds_while_a_big_import_runs(committed, monkeypatch, stage):
    app = committed
    monkeypatch.setitem(app.config, "SQLITE_BUSY_TIMEOUT_MS", 300)  # a wait would be a 503
    monkeypatch.setitem(app.config, "IMPORT_WRITE_CHUNK", 4)
    with app.app_context():
        _db.engine.dispose()
    job_id, email = _big_job(app, 10)
    held, release = threading.Event(), threading.Event()
    from lms.attendance import planilla_check, planilla_import

    if stage == "check":  # inside the reading transaction, the file half read
        target, name = planilla_check._Checker, "chunk"
    else:  # the first chunk committed, the second not begun
        target, name = planilla_import._Importer, "_commit_chunk"
    original = getattr(target, name)

    def hold(self, *args):
        out = original(self, *args)
        if not held.is_set():
            held.set()
            release.wait(STUCK)
        return out

    monkeypatch.setattr(target, name, hold)
    outcome: dict = {}
    thread = threading.Thread(target=_run_job, args=(app, job_id, outcome))
    thread.start()
    try:
        assert held.wait(STUCK)
        client = FlaskClient(app, app.response_class, use_cookies=True)
        started = time.perf_counter()
        login = client.post("/login", data={"email": email, "password": PASSWORD})
        elapsed = time.perf_counter() - started
        assert login.status_code == 302, login.get_data(as_text=True)[:300]
        assert elapsed < 5, f"POST /login took {elapsed:.2f} s beside the import"
        assert client.get("/").status_code == 200  # signed in
    finally:
        release.set()
        thread.join(STUCK)
    assert "error" not in outcome
    state, result, marks, people, _ = _counts(app, job_id)
    assert state == "done" and (result["rows"], result["people"], result["marks"]) == (10, 10, 10)
    assert (marks, people) == (10, 10)


def test_a_big_import_that_dies_midway_resumes_without_writing_twice(committed, monkeypatch):
    app = committed
    monkeypatch.setitem(app.config, "IMPORT_WRITE_CHUNK", 4)
    job_id, _ = _big_job(app, 10)
    from lms.attendance import planilla_import

    original, calls = planilla_import.record_marks, []

    def dies_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:  # the second chunk: its people are written, its marks are not
            raise RuntimeError("el proceso se detuvo")
        return original(*args, **kwargs)

    monkeypatch.setattr(planilla_import, "record_marks", dies_once)
    first: dict = {}
    _run_job(app, job_id, first)
    assert isinstance(first.get("error"), RuntimeError)
    state, progress, marks, people, _ = _counts(app, job_id)
    # The first chunk (rows 2-5) stays; the second was rolled back whole.
    assert state == "running" and progress["applied"] == 5 and (marks, people) == (4, 4)
    again: dict = {}
    _run_job(app, job_id, again)  # the task's retry
    assert "error" not in again
    state, result, marks, people, audited = _counts(app, job_id)
    assert state == "done"
    assert (result["rows"], result["people"], result["enrollments"], result["marks"]) == (
        10, 10, 10, 10)
    assert (marks, people, audited) == (10, 10, 10)
    _run_job(app, job_id, again)  # a third run finds the job done and writes nothing
    assert _counts(app, job_id)[2:] == (10, 10, 10)


@pytest.fixture(autouse=True)
def _restore_pool(committed):
    yield
    with committed.app_context():
        _db.engine.dispose()
