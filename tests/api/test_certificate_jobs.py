"""Batch issue over the API (a job resource with progress, then a ZIP or one PDF), the search
that keeps document numbers out of URLs, and corrections of the printed data."""

import io
import zipfile

from sqlalchemy import func, select

from lms.certificates.issue import issue_for
from lms.certificates.models import Certificate, IssueJob
from tests import factories
from tests.certificates.conftest import completed_enrollment


def _count(db, column) -> int:
    return db.session.scalar(select(func.count(column)))


def test_a_batch_runs_on_the_queue_and_reports_its_progress(client, admin, bearer, db):
    cohort = factories.cohort()
    for _ in range(3):
        completed_enrollment(cohort)
    completed_enrollment()  # another cohort's: not in this batch
    headers = {**bearer(admin), "Idempotency-Key": "lote-1"}
    r = client.post("/api/v1/certificate-jobs", json={"cohort": cohort.code}, headers=headers)
    assert r.status_code == 202 and r.get_json()["cohort"] == cohort.code
    location = r.headers["Location"]
    again = client.post("/api/v1/certificate-jobs", json={"cohort": cohort.code},
                        headers=headers)
    assert again.headers["Idempotent-Replayed"] == "true" and _count(db, IssueJob.id) == 1
    # The test queue runs the tasks once the request has committed.
    job = client.get(location, headers=bearer(admin)).get_json()
    assert (job["state"], job["total"], job["done"]) == ("done", 3, 3)
    assert job["finished"].endswith("Z") and _count(db, Certificate.id) == 3

    running = client.get(location.removesuffix(str(job["id"])) + "2147483647",
                         headers=bearer(admin))
    assert running.status_code == 404
    bad = client.post(f"{location}/files", json={"kind": "rar"}, headers=bearer(admin))
    assert bad.status_code == 422 and bad.get_json()["fields"] == {"kind": ["Elija ZIP o PDF."]}
    asked = client.post(f"{location}/files", json={"kind": "zip"}, headers=bearer(admin))
    assert asked.status_code == 202
    files = client.get(location, headers=bearer(admin)).get_json()["files"]
    assert files == [{"kind": "zip", "ready": True, "documents": 3,
                      "url": f"{location}/files/zip"}]
    download = client.get(files[0]["url"], headers=bearer(admin))
    assert download.mimetype == "application/zip"
    assert len(zipfile.ZipFile(io.BytesIO(download.data)).namelist()) == 3
    assert client.get(f"{location}/files/pdf", headers=bearer(admin)).status_code == 404


def test_a_batch_names_an_unknown_cohort_and_queues_nothing(client, admin, trainer, bearer, db):
    r = client.post("/api/v1/certificate-jobs", json={"cohort": "NO-EXISTE"},
                    headers=bearer(admin))
    assert r.status_code == 422 and r.get_json()["fields"] == {
        "cohort": ["No existe el grupo NO-EXISTE."]}
    assert _count(db, IssueJob.id) == 0
    r = client.post("/api/v1/certificate-jobs", json={}, headers=bearer(trainer))
    assert r.status_code == 403


def test_files_of_an_unfinished_batch_are_refused(client, admin, bearer, db):
    job = IssueJob(created_by_id=admin.id, state="running", total=5)
    db.session.add(job)
    db.session.commit()
    r = client.post(f"/api/v1/certificate-jobs/{job.id}/files", json={"kind": "pdf"},
                    headers=bearer(admin))
    assert r.status_code == 422 and "aún no ha terminado" in r.get_json()["detail"]


def test_search_takes_the_document_number_in_the_body(client, admin, analyst, bearer, db):
    person = factories.person(first_names="Rosa", last_names="Quintero",
                              document_number="1090555666")
    cert = issue_for(completed_enrollment(person_=person))
    other = issue_for(completed_enrollment())
    for q in ("1090555666", "quinter", cert.code.lower()):
        r = client.post("/api/v1/certificates/search", json={"q": q}, headers=bearer(admin))
        assert r.status_code == 200, r.get_json()
        assert [c["code"] for c in r.get_json()["items"]] == [cert.code]
    r = client.post("/api/v1/certificates/search?limit=1", json={"q": "a"},
                    headers=bearer(admin))
    body = r.get_json()
    assert body["total"] == 2 and r.headers["Link"] == f'<{body["next"]}>; rel="next"'
    assert {body["items"][0]["code"]} < {cert.code, other.code}
    assert "1090555666" not in body["next"]
    empty = client.post("/api/v1/certificates/search", json={"q": ""}, headers=bearer(admin))
    assert empty.status_code == 422 and "q" in empty.get_json()["fields"]
    refused = client.post("/api/v1/certificates/search", json={"q": "x"}, headers=bearer(analyst))
    assert refused.status_code == 403


def test_a_correction_supersedes_with_the_changed_fields_only(client, admin, bearer, db):
    cert = issue_for(completed_enrollment())
    url = f"/api/v1/certificates/{cert.code}/corrections"
    r = client.post(url, json={"holder_name": "Nombre Corregido"}, headers=bearer(admin))
    assert r.status_code == 201, r.get_json()
    new = r.get_json()
    assert new["name"] == "Nombre Corregido" and new["code"] != cert.code
    assert new["course_name"] == cert.course_name
    old = client.get(f"/api/v1/certificates/{cert.code}", headers=bearer(admin)).get_json()
    assert old["status"] == "superseded" and old["replaced_by"] == new["code"]
    again = client.post(url, json={"holder_name": "Otro"}, headers=bearer(admin))
    assert again.status_code == 422 and "ya fue reemplazado" in again.get_json()["detail"]
    same = client.post(f"/api/v1/certificates/{new['code']}/corrections", json={},
                       headers=bearer(admin))
    assert same.status_code == 422 and "No cambió ningún dato" in same.get_json()["detail"]
    wrong = client.post(f"/api/v1/certificates/{new['code']}/corrections",
                        json={"hours": 0}, headers=bearer(admin))
    assert wrong.status_code == 422 and "hours" in wrong.get_json()["fields"]
