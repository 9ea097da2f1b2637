"""Site and planilla imports over the API: multipart uploads, the page's row errors as a
problem's ``errors``, dry runs that save nothing, and big planillas as polled jobs."""

import html
import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from lms.attendance.models import Attendance
from lms.courses.models import Cohort, CourseSession, Site
from lms.courses.services import seed_catalog
from lms.people.models import Person
from lms.tabular.jobs import ImportJob
from tests import factories
from tests.imports.conftest import PLANILLA_HEADER, planilla_row

SITES = "codigo,nombre,tipo,zona,comuna_corregimiento,direccion\n"


@pytest.fixture
def catalog(db):
    """The seeded catalog (comunas, the TIC-BASICO course) and the site the rows name."""
    seed_catalog()
    factories.site(code="CAC-ATALAYA")
    db.session.commit()


def _post(client, url, data: bytes, name: str, headers, **fields):
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), name), **fields})
    return client.post(url, data=body, headers=headers,
                       content_type=f"multipart/form-data; boundary={boundary}")


def _count(db, column) -> int:
    return db.session.scalar(select(func.count(column)))


def _planilla(rows) -> bytes:
    return ("\n".join(",".join(r) for r in [PLANILLA_HEADER, *rows]) + "\n").encode()


def test_site_import_gives_the_pages_row_errors_and_saves_nothing(client, login, admin, bearer,
                                                                  catalog, db):
    data = (SITES + "A-1,Uno,cac,urbana,Comuna 1,\nA-2,Dos,cac,lunar,,\nA-1,Tres,cac,rural,,\n")
    r = _post(client, "/api/v1/sites/import", data.encode(), "sedes.csv", bearer(admin))
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    body = r.get_json()
    assert body["error_count"] == 2 and body["fields"]["file"] == [
        "fila 3, columna zona: zona no válida: «lunar»; use urbana o rural",
        "fila 4, columna codigo: código repetido (ya está en la fila 2)"]
    assert body["errors"][0] == {"row": 3, "column": "zona",
                                 "message": "zona no válida: «lunar»; use urbana o rural"}
    login(admin)
    page = client.post("/sedes/importar", data={"file": (io.BytesIO(data.encode()), "s.csv")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert all(html.escape(line, quote=False) in page for line in body["fields"]["file"])
    assert _count(db, Site.id) == 1  # the fixture's


def test_site_import_dry_run_counts_then_the_real_one_saves(client, admin, bearer, catalog, db):
    data = (SITES + "A-1,Uno,cac,urbana,Comuna 1,\nA-2,Dos,pvd,rural,,\n").encode()
    dry = _post(client, "/api/v1/sites/import", data, "s.csv", bearer(admin), dry_run="true")
    assert dry.status_code == 200
    assert dry.get_json() == {"created": 2, "updated": 0, "dry_run": True}
    assert _count(db, Site.id) == 1
    real = _post(client, "/api/v1/sites/import", data, "s.csv", bearer(admin), dry_run="false")
    assert real.get_json() == {"created": 2, "updated": 0, "dry_run": False}
    assert _count(db, Site.id) == 3
    again = _post(client, "/api/v1/sites/import", data, "s.csv", bearer(admin))
    assert again.get_json() == {"created": 0, "updated": 2, "dry_run": False}


def test_upload_fields_are_checked_by_the_pages_form(client, admin, trainer, bearer, db):
    r = client.post("/api/v1/sites/import", json={"file": "x"}, headers=bearer(admin))
    assert r.status_code == 422 and r.get_json()["fields"] == {"file": ["Elija un archivo."]}
    r = _post(client, "/api/v1/sites/import", b"x", "sedes.pdf", bearer(admin))
    assert r.get_json()["fields"] == {"file": ["El archivo debe ser .csv o .xlsx."]}
    r = _post(client, "/api/v1/planillas/import", b"x", "p.csv", bearer(trainer))
    assert r.status_code == 403 and r.mimetype == "application/problem+json"


def test_planilla_dry_run_names_new_cohorts_and_saves_nothing(client, admin, bearer, catalog, db):
    data = _planilla([planilla_row("1090111222"), planilla_row("1090111333", day="2021-03-03")])
    refused = _post(client, "/api/v1/planillas/import", data, "p.csv", bearer(admin),
                    dry_run="true")
    assert refused.status_code == 422
    assert {e["column"] for e in refused.get_json()["errors"]} == {"grupo"}
    dry = _post(client, "/api/v1/planillas/import", data, "p.csv", bearer(admin),
                dry_run="true", create_new="true")
    assert dry.status_code == 200
    body = dry.get_json()
    assert body["dry_run"] is True and body["rows"] == 2 and body["people"] == 2
    assert body["new_cohorts"] == ["G-2021-01 (TIC-BASICO en CAC-ATALAYA)"]
    assert len(body["new_sessions"]) == 2
    assert _count(db, Person.id) == 0 and _count(db, Cohort.id) == 0
    real = _post(client, "/api/v1/planillas/import", data, "p.csv", bearer(admin),
                 create_new="true")
    assert real.status_code == 200 and real.get_json()["marks"] == 2
    assert _count(db, Attendance.id) == 2 and _count(db, CourseSession.id) == 2


def test_planilla_row_errors_match_the_page(client, login, admin, bearer, catalog, db):
    data = _planilla([planilla_row("1090111222", status="feliz"), planilla_row("12")])
    r = _post(client, "/api/v1/planillas/import", data, "p.csv", bearer(admin), create_new="y")
    assert r.status_code == 422
    lines = r.get_json()["fields"]["file"]
    assert any("estado no válido «feliz»" in line for line in lines)
    login(admin)
    page = client.post("/planillas/importar", data={
        "file": (io.BytesIO(data), "p.csv"), "create_new": "y"},
        content_type="multipart/form-data").get_data(as_text=True)
    assert all(html.escape(line, quote=False) in page for line in lines)
    assert _count(db, Person.id) == 0


def test_a_big_planilla_is_a_job_to_poll(client, admin, bearer, catalog, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_BACKGROUND_ROWS", 3)
    data = _planilla([planilla_row(str(1_090_111_000 + n)) for n in range(5)])
    headers = {**bearer(admin), "Idempotency-Key": "planilla-grande-1"}
    r = _post(client, "/api/v1/planillas/import", data, "grande.csv", headers,
              create_new="true")
    assert r.status_code == 202
    job_id = r.get_json()["id"]
    assert r.headers["Location"] == f"/api/v1/import-jobs/{job_id}"
    replay = _post(client, "/api/v1/planillas/import", data, "grande.csv", headers,
                   create_new="true")
    assert replay.headers["Idempotent-Replayed"] == "true" and _count(db, ImportJob.id) == 1
    # The test queue runs the task once the request has committed.
    polled = client.get(r.headers["Location"], headers=bearer(admin))
    job = polled.get_json()
    assert polled.status_code == 200 and polled.headers["ETag"]
    assert job["state"] == "done" and job["finished"] and job["finished_at"].endswith("Z")
    assert job["result"]["people"] == 5 and job["result"]["new_cohorts"]
    assert _count(db, Person.id) == 5
    cached = client.get(r.headers["Location"],
                        headers={**bearer(admin), "If-None-Match": polled.headers["ETag"]})
    assert cached.status_code == 304


def test_a_big_planilla_with_errors_is_a_failed_job(client, admin, bearer, catalog, db, app,
                                                    monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_BACKGROUND_ROWS", 3)
    data = _planilla([planilla_row(str(1_090_111_000 + n), status="feliz") for n in range(5)])
    r = _post(client, "/api/v1/planillas/import", data, "g.csv", bearer(admin), create_new="y")
    job = client.get(r.headers["Location"], headers=bearer(admin)).get_json()
    assert job["state"] == "failed" and job["error_count"] == 5
    assert "estado no válido «feliz»" in job["errors"][0]
    assert _count(db, Person.id) == 0
    assert client.get("/api/v1/import-jobs/2147483648", headers=bearer(admin)).status_code == 404
