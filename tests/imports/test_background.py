"""Big planillas go to the background queue (issue 9, part 8): the request only stores the
file; the job's page shows the progress, then the counts or the first errors."""

from sqlalchemy import func, select

from lms.attendance.models import Attendance
from lms.audit.models import AuditEntry
from lms.people.models import Person
from lms.tabular.jobs import ImportJob
from tests.imports.conftest import PLANILLA_HEADER, planilla_row, upload


def _file(rows) -> bytes:
    return ("\n".join(",".join(r) for r in [PLANILLA_HEADER, *rows]) + "\n").encode()


def _count(db, column):
    return db.session.scalar(select(func.count(column)))


def test_a_big_planilla_is_imported_by_the_queue(client, login, admin, db, catalog, app,
                                                  monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_BACKGROUND_ROWS", 3)
    login(admin)
    rows = [planilla_row(str(1_090_111_000 + n)) for n in range(5)]
    r = upload(client, "/planillas/importar", _file(rows), "grande.csv", create_new="y")
    assert r.status_code == 302
    job = db.session.scalar(select(ImportJob))
    assert r.headers["Location"].endswith(f"/planillas/importaciones/{job.id}")
    # The test queue runs the task once the request has committed.
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Terminada" in page and "Planilla importada" in page
    assert "<li>G-2021-01 (TIC-BASICO en CAC-ATALAYA)</li>" in page
    assert _count(db, Person.id) == 5 and _count(db, Attendance.id) == 5
    assert db.session.get(ImportJob, job.id).data is None  # the file is not kept
    actors = set(db.session.scalars(select(AuditEntry.actor_id).where(
        AuditEntry.entity == "people")))
    assert actors == {admin.id}


def test_a_big_planilla_with_errors_writes_nothing_and_lists_them(client, login, admin, db,
                                                                  catalog, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_BACKGROUND_BYTES", 100)
    login(admin)
    rows = [planilla_row(str(1_090_111_000 + n), status="P" if n % 2 else "feliz")
            for n in range(450)]
    r = upload(client, "/planillas/importar", _file(rows), "grande.csv", create_new="y")
    assert r.status_code == 302
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Rechazada" in page and "el archivo tiene 225 errores" in page
    assert page.count("estado no válido «feliz»") == 200 and "… y 25 errores más." in page
    assert _count(db, Person.id) == 0 and _count(db, Attendance.id) == 0


def test_a_small_planilla_stays_in_the_request(client, login, admin, db, catalog):
    login(admin)
    r = upload(client, "/planillas/importar", _file([planilla_row("1090111222")]), "p.csv",
               create_new="y")
    assert r.status_code == 200 and "Planilla importada" in r.get_data(as_text=True)
    assert _count(db, ImportJob.id) == 0
