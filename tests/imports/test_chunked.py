"""Big imports write in short transactions (issue 9 part 8): what happens when a chunk is
refused at the write, and the sites file's own background import.

On a committed database, as the background task runs them (the test queue would run them
inline inside the request's transaction).
"""

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from lms.attendance.models import Attendance
from lms.auth.sessions import sign_in
from lms.courses.models import Cohort, Enrollment, Site
from lms.extensions import db as _db
from lms.tabular.jobs import ImportJob
from tests import factories
from tests.imports.conftest import PLANILLA_HEADER, planilla_row, upload


def _count(app, column) -> int:
    with app.app_context():
        return _db.session.scalar(select(func.count(column)))


def _signed_in(app, user_id: str):
    client = FlaskClient(app, app.response_class, use_cookies=True)
    with client.session_transaction() as session:
        sign_in(session, user_id)
    return client


def test_a_chunk_refused_at_the_write_keeps_the_chunks_before_and_a_rerun_adds_the_rest(
        committed, monkeypatch):
    app = committed
    monkeypatch.setitem(app.config, "IMPORT_BACKGROUND_ROWS", 3)
    monkeypatch.setitem(app.config, "IMPORT_WRITE_CHUNK", 4)
    with app.app_context():
        admin = factories.user(role="admin")
        factories.cohort(code="G-2021-01", capacity=10, course=factories.course(
            code="TIC-BASICO"), site=factories.site(code="CAC-ATALAYA"))
        _db.session.commit()
        client = _signed_in(app, admin.get_id())
    from lms.attendance import planilla_jobs

    original = planilla_jobs.apply_planilla

    def seats_taken_meanwhile(*args, **kwargs):
        # After the check passed, someone lowers the cupo: the second chunk no longer fits.
        _db.session.execute(update(Cohort).values(capacity=5))
        _db.session.commit()
        return original(*args, **kwargs)

    monkeypatch.setattr(planilla_jobs, "apply_planilla", seats_taken_meanwhile)
    data = "\n".join(",".join(r) for r in [PLANILLA_HEADER, *(
        planilla_row(str(1_090_111_000 + n)) for n in range(10))]) + "\n"
    r = upload(client, "/planillas/importar", data.encode(), "grande.csv",
                   create_new="y")
    assert r.status_code == 302
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Rechazada" in page and "Se guardaron las filas hasta la 5." in page
    assert "está lleno (cupo de 5 personas)" in page
    assert _count(app, Enrollment.id) == 4 and _count(app, Attendance.id) == 4
    monkeypatch.setattr(planilla_jobs, "apply_planilla", original)
    with app.app_context():
        _db.session.execute(update(Cohort).values(capacity=10))
        _db.session.commit()
    again = upload(client, "/planillas/importar", data.encode(), "grande.csv",
                   create_new="y")
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Terminada" in page, page
    with app.app_context():
        result = _db.session.scalars(select(ImportJob.result).order_by(
            ImportJob.id.desc())).first()
    # The second import counts only what it wrote: the first chunk's rows were already there.
    assert (result["people"], result["enrollments"], result["marks"]) == (6, 6, 6)
    assert _count(app, Enrollment.id) == 10 and _count(app, Attendance.id) == 10


SITES = "codigo,nombre,tipo,zona,comuna_corregimiento,direccion\n"


@pytest.mark.parametrize("write_chunk", [2, 500])
def test_a_big_sites_file_is_imported_by_the_queue_in_short_transactions(
        committed, monkeypatch, write_chunk):
    app = committed
    monkeypatch.setitem(app.config, "IMPORT_BACKGROUND_ROWS", 3)
    monkeypatch.setitem(app.config, "IMPORT_WRITE_CHUNK", write_chunk)
    with app.app_context():
        from lms.courses.services import seed_catalog

        seed_catalog()
        admin = factories.user(role="admin")
        _db.session.commit()
        client = _signed_in(app, admin.get_id())
    data = (SITES + "".join(f"CAC-{n:02d},CAC {n},cac,urbana,Comuna 1,Calle {n}\n"
                            for n in range(5))).encode()
    r = upload(client, "/sedes/importar", data, "sedes.csv")
    assert r.status_code == 302 and "/sedes/importaciones/" in r.headers["Location"]
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Terminada" in page and "5 sedes creadas, 0 actualizadas" in page
    assert _count(app, Site.id) == 5
    again = upload(client, "/sedes/importar", data, "sedes.csv")
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "0 sedes creadas, 5 actualizadas" in page and _count(app, Site.id) == 5


def test_a_big_sites_file_with_an_error_writes_nothing(committed, monkeypatch):
    app = committed
    monkeypatch.setitem(app.config, "IMPORT_BACKGROUND_ROWS", 3)
    monkeypatch.setitem(app.config, "IMPORT_WRITE_CHUNK", 2)
    with app.app_context():
        from lms.courses.services import seed_catalog

        seed_catalog()
        client = _signed_in(app, factories.user(role="admin").get_id())
        _db.session.commit()
    data = (SITES + "".join(f"CAC-{n:02d},CAC {n},cac,{'lunar' if n == 4 else 'urbana'},"
                            f"Comuna 1,Calle {n}\n" for n in range(5))).encode()
    r = upload(client, "/sedes/importar", data, "sedes.csv")
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Rechazada" in page and "fila 6, columna zona" in page
    assert "No se importó nada" in page and _count(app, Site.id) == 0


def test_small_sites_file_stays_in_the_request(committed):
    app = committed
    with app.app_context():
        from lms.courses.services import seed_catalog

        seed_catalog()
        client = _signed_in(app, factories.user(role="admin").get_id())
        _db.session.commit()
    r = upload(client, "/sedes/importar", (SITES + "CAC-01,CAC,cac,urbana,Comuna 1,\n").encode(),
               "sedes.csv")
    assert r.status_code == 302 and r.headers["Location"].endswith("/sedes")
    assert _count(app, Site.id) == 1 and _count(app, ImportJob.id) == 0


def test_a_big_dry_run_is_the_reading_check_and_writes_nothing(committed, monkeypatch):
    app = committed
    monkeypatch.setitem(app.config, "IMPORT_BACKGROUND_ROWS", 3)
    with app.app_context():
        admin = factories.user(role="admin")
        factories.course(code="TIC-BASICO")
        factories.site(code="CAC-ATALAYA")
        _db.session.commit()
        client = _signed_in(app, admin.get_id())
    rows = [planilla_row(str(1_090_111_000 + n)) for n in range(5)]
    rows.append(planilla_row("1090111000", status="A"))  # a later row for the same mark
    data = "\n".join(",".join(r) for r in [PLANILLA_HEADER, *rows]) + "\n"
    r = upload(client, "/planillas/importar", data.encode(), "grande.csv", dry_run="y",
               create_new="y")
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Terminada" in page and "Validación sin guardar" in page
    assert "<li>G-2021-01 (TIC-BASICO en CAC-ATALAYA)</li>" in page
    assert "<li>G-2021-01, 01/03/2021 (4\u00a0h)</li>" in page
    assert "ya aparece en la fila 2" in page and "vale la última fila" in page
    with app.app_context():
        result = _db.session.scalars(select(ImportJob.result)).one()
    assert (result["rows"], result["people"], result["enrollments"], result["cohorts"],
            result["sessions"], result["marks"]) == (6, 5, 5, 1, 1, 5)
    assert "Finalizaciones" not in page  # counted only by writing
    assert _count(app, Enrollment.id) == 0 and _count(app, Cohort.id) == 0
