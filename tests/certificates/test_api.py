"""API: issue, read, PDF, revoke, a person's documents; roles; OpenAPI."""

from lms.auth.services import create_token
from tests import factories
from tests.certificates.conftest import completed_enrollment
from tests.factories import PROBLEM_KEYS


def _auth(user):
    return {"Authorization": f"Bearer {create_token(user, 'pruebas')}"}


def test_admin_issues_reads_downloads_and_revokes(client, admin, completed):
    headers = _auth(admin)
    created = client.post("/api/v1/certificates", json={"enrollment_id": completed.id},
                          headers=headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    code = body["code"]
    assert body["status"] == "valid" and body["name"] == "María José Núñez Ibáñez"
    assert body["verify_url"] == f"http://localhost/v/{code}"
    again = client.post("/api/v1/certificates", json={"enrollment_id": completed.id},
                        headers=headers)
    assert again.status_code == 200 and again.get_json()["code"] == code
    assert client.get(f"/api/v1/certificates/{code}", headers=headers).get_json()["code"] == code
    pdf = client.get(f"/api/v1/certificates/{code}/pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    empty = client.post(f"/api/v1/certificates/{code}/revoke", json={}, headers=headers)
    assert empty.status_code == 422 and "reason" in empty.get_json()["fields"]
    revoked = client.post(f"/api/v1/certificates/{code}/revoke",
                          json={"reason": "Emitido por error"}, headers=headers)
    assert revoked.status_code == 200 and revoked.get_json()["status"] == "revoked"
    listing = client.get(f"/api/v1/people/{completed.person_id}/certificates", headers=headers)
    assert [c["code"] for c in listing.get_json()] == [code]
    assert client.get("/api/v1/certificates/ABCD-EFGH-JKMN-PQRS-T",
                      headers=headers).status_code == 404


def test_not_eligible_is_422(client, admin, db):
    unfinished = factories.enrollment()
    response = client.post("/api/v1/certificates", json={"enrollment_id": unfinished.id},
                           headers=_auth(admin))
    assert response.status_code == 422
    assert "no ha completado" in response.get_json()["detail"]
    assert client.post("/api/v1/certificates", json={}, headers=_auth(admin)).status_code == 422
    assert client.post("/api/v1/certificates", json={"enrollment_id": 999999},
                       headers=_auth(admin)).status_code == 404


def test_data_too_long_for_any_qr_is_422_not_500(client, admin, db, app, monkeypatch):
    # The caps keep any holder and course within version 17 (test_roundtrip.py); only an
    # absurd public address can outgrow a version 40 symbol now.
    monkeypatch.setitem(app.config, "BASE_URL", "https://" + "a" * 3000 + ".example")
    person = factories.person(first_names="𝐀" * 120, last_names="𝐁" * 119)
    course = factories.course(name="𝐂" * 200)
    enrollment = completed_enrollment(factories.cohort(course=course), person)
    response = client.post("/api/v1/certificates", json={"enrollment_id": enrollment.id},
                           headers=_auth(admin))
    assert response.status_code == 422
    assert "demasiado largos para su código QR" in response.get_json()["detail"]


def test_roles(client, issued, completed, analyst, db):
    own = completed.cohort.trainers[0]
    stranger = factories.user(role="trainer")
    code = issued.code
    mine = _auth(own)
    assert client.get(f"/api/v1/certificates/{code}", headers=mine).status_code == 200
    assert client.get(f"/api/v1/certificates/{code}/pdf", headers=mine).status_code == 200
    assert client.post(f"/api/v1/certificates/{code}/revoke", json={"reason": "porque sí"},
                       headers=mine).status_code == 403
    assert client.post("/api/v1/certificates", json={"enrollment_id": completed.id},
                       headers=mine).status_code == 403
    other = _auth(stranger)
    assert client.get(f"/api/v1/certificates/{code}", headers=other).status_code == 403
    assert client.get(f"/api/v1/people/{completed.person_id}/certificates",
                      headers=other).get_json() == []
    # Analysts: statuses and counts, no personal data.
    seen = client.get(f"/api/v1/certificates/{code}", headers=_auth(analyst))
    assert seen.status_code == 200
    assert "name" not in seen.get_json() and "document_number" not in seen.get_json()
    assert client.get(f"/api/v1/certificates/{code}/pdf",
                      headers=_auth(analyst)).status_code == 403
    assert client.get(f"/api/v1/people/{completed.person_id}/certificates",
                      headers=_auth(analyst)).status_code == 403
    assert client.get(f"/api/v1/certificates/{code}").status_code == 401


def test_openapi_lists_the_certificate_endpoints(client, db):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/v1/certificates"]
    assert "get" in paths["/api/v1/certificates/{code}"]
    assert "get" in paths["/api/v1/certificates/{code}/pdf"]
    assert "post" in paths["/api/v1/certificates/{code}/revoke"]
    assert "get" in paths["/api/v1/people/{person_id}/certificates"]
    body = paths["/api/v1/certificates"]["post"]["requestBody"]["content"]["application/json"]
    assert "enrollment_id" in body["schema"]["properties"]


def test_admin_pages_need_admin(client, login, trainer, issued):
    login(trainer)
    response = client.get("/admin/certificados")
    assert response.status_code == 403, response.headers.get("Location")
    assert client.get(f"/admin/certificados/{issued.code}").status_code == 403
    assert client.post(f"/admin/certificados/{issued.code}/revocar",
                       data={"reason": "no autorizado"}).status_code == 403


def test_person_listing_keeps_chain_order(client, admin, db):
    from lms.certificates.issue import issue_for
    from lms.certificates.lifecycle import supersede

    enrollment = completed_enrollment()
    first = issue_for(enrollment)
    second = supersede(first, {"holder_name": "Nombre Corregido"})
    rows = client.get(f"/api/v1/people/{enrollment.person_id}/certificates",
                      headers=_auth(admin)).get_json()
    assert [(r["code"], r["status"], r["replaced_by"]) for r in rows] == [
        (first.code, "superseded", second.code), (second.code, "valid", None)]


def test_api_correct_reissues_and_supersedes(client, admin, issued, completed, db):
    headers = _auth(admin)
    url = f"/api/v1/certificates/{issued.code}/correct"
    unchanged = client.post(url, headers=headers)
    assert unchanged.status_code == 422
    assert unchanged.get_json()["detail"].startswith("No cambió ningún dato")
    completed.person.last_names = "Núñez de Ibáñez"
    db.session.flush()
    created = client.post(url, json={}, headers=headers)
    assert created.status_code == 201, created.get_json()
    new = created.get_json()
    assert new["status"] == "valid" and new["name"] == "María José Núñez de Ibáñez"
    assert new["code"] != issued.code and new["enrollment_id"] == completed.id
    old = client.get(f"/api/v1/certificates/{issued.code}", headers=headers).get_json()
    assert old["status"] == "superseded" and old["replaced_by"] == new["code"]
    again = client.post(url, headers=headers)
    assert again.status_code == 422
    assert set(again.get_json()) == PROBLEM_KEYS
    assert "ya fue reemplazado" in again.get_json()["detail"]
    assert client.post("/api/v1/certificates/nada/correct", headers=headers).status_code == 404
    trainer = _auth(completed.cohort.trainers[0])
    assert client.post(f"/api/v1/certificates/{new['code']}/correct",
                       headers=trainer).status_code == 403
    # An enrollment no longer complete cannot be re-issued; revoke instead.
    completed.completed_on = None
    db.session.flush()
    gone = client.post(f"/api/v1/certificates/{new['code']}/correct", headers=headers)
    assert gone.status_code == 422 and "ya no figura como completada" in \
        gone.get_json()["detail"]


def test_api_issues_a_cohorts_pending_documents(client, admin, analyst, db):
    own_trainer = factories.user(role="trainer")
    cohort = factories.cohort(course=factories.course(document_kind="certificado"),
                              trainers=[own_trainer])
    done = [completed_enrollment(cohort) for _ in range(3)]
    factories.enrollment(cohort=cohort)  # not complete: left alone
    url = f"/api/v1/cohorts/{cohort.id}/certificates"
    for user in (own_trainer, analyst):  # issuing is for admins
        assert client.post(url, headers=_auth(user)).status_code == 403
    response = client.post(url, headers=_auth(admin))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["count"] == 3
    assert sorted(c["enrollment_id"] for c in body["issued"]) == sorted(e.id for e in done)
    assert {c["kind"] for c in body["issued"]} == {"certificado"}
    assert client.post(url, headers=_auth(admin)).get_json() == {"count": 0, "issued": []}
    missing = client.post("/api/v1/cohorts/999999/certificates", headers=_auth(admin))
    assert missing.status_code == 404 and missing.get_json()["code"] == "not_found"
    assert client.post("/api/v1/cohorts/abc/certificates",
                       headers=_auth(admin)).status_code == 404


def test_openapi_documents_correct_and_cohort_issue(client, db):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    correct = paths["/api/v1/certificates/{code}/correct"]["post"]
    assert "201" in correct["responses"] and "requestBody" not in correct
    batch = paths["/api/v1/cohorts/{cohort_id}/certificates"]["post"]
    schema = batch["responses"]["201"]["content"]["application/json"]["schema"]
    assert set(schema["properties"]) == {"count", "issued"}
    assert batch["parameters"][0]["schema"] == {"type": "integer", "minimum": 1,
                                                "maximum": 2**31 - 1}
