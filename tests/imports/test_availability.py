"""While a planilla import holds the database's write lock, the service keeps answering
(issue 9 part 8, issue 16 part 2): reads (``/v/CODE.json``) within a second, and on SQLite a
writer that cannot get the lock in time a 503 with ``Retry-After`` and a Spanish message,
never a 500. Real requests in threads, on a committed database; the import is held open at
its last stage (its people, enrollments and sessions written, so the lock is taken)."""

import threading
import time
from datetime import date

import pytest
from flask.testing import FlaskClient

from lms.auth.sessions import sign_in
from lms.certificates.issue import issue_for
from lms.extensions import db as _db
from tests import factories
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


@pytest.fixture(autouse=True)
def _restore_pool(committed):
    yield
    with committed.app_context():
        _db.engine.dispose()
