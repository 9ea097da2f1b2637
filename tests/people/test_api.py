"""The people and enrollment API: same rules as the form, JSON errors, token scoping."""

from datetime import date
from decimal import Decimal

import pytest

from lms.attendance.models import Attendance
from lms.auth.services import create_token
from lms.people import services
from tests import factories
from tests.factories import PROBLEM_KEYS
from tests.people.helpers import counts


def _headers(user):
    return {"Authorization": f"Bearer {create_token(user, 'pruebas')}"}


def _payload(**kw):
    data = {
        "document_type": "PPT",
        "document_number": "ab-1234.567",
        "first_names": "Yorgelis",
        "last_names": "Rondón",
        "birth_date": "1995-07-20",
        "sex": "F",
        "zone": "urbana",
        "area": "Comuna 8",
        "consent": True,
        "migrant": True,
        "victim": False,
    }
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def seeded(db):
    services.seed_reference_data()


def test_post_person_records_api_consent(client, admin, seeded, db):
    response = client.post("/api/v1/people", json=_payload(), headers=_headers(admin))
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["document_type"], body["document_number"]) == ("PPT", "AB1234567")
    assert body["sensitive"] == {
        "ethnic_group": None,
        "disability": None,
        "victim": False,
        "migrant": True,
    }
    (consent,) = body["consents"]
    assert consent["channel"] == "api" and consent["notice_version"] == "2024-01"
    assert consent["recorded_by_id"] == admin.id


def test_post_with_a_notice_other_than_the_current_one_is_422(client, admin, seeded, db):
    stale = client.post(
        "/api/v1/people", json=_payload(notice_version="1999-01"), headers=_headers(admin)
    )
    assert stale.status_code == 422
    assert "El aviso de privacidad cambió" in stale.json["detail"]
    assert counts(db) == (0, 0, 0, 0)
    current = client.post(
        "/api/v1/people", json=_payload(notice_version="2024-01"), headers=_headers(admin)
    )
    assert current.status_code == 201, current.json


def test_post_duplicate_document_is_422(client, admin, seeded, db):
    headers = _headers(admin)
    assert client.post("/api/v1/people", json=_payload(), headers=headers).status_code == 201
    before = counts(db)
    response = client.post(
        "/api/v1/people", json=_payload(document_number="AB 1234567"), headers=headers
    )
    assert response.status_code == 422
    assert response.json["fields"] == {
        "document_number": ["Ya existe una persona con ese documento."]
    }
    assert counts(db) == before


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"consent": None}, "consent", "Se requiere la autorización"),
        ({"consent": False}, "consent", "Se requiere la autorización"),
        ({"consent": "sí"}, "consent", "Debe ser true o false."),
        ({"first_names": None}, "first_names", "Escriba los nombres."),
        ({"birth_date": "20/07/1995"}, "birth_date", "fecha"),
        ({"birth_date": 1995}, "birth_date", "AAAA-MM-DD"),
        ({"document_type": "DNI"}, "document_type", "Tipo de documento no válido"),
        ({"document_type": "CC", "document_number": "12A"}, "document_number", "dígitos"),
        ({"sex": "X"}, "sex", "Sexo no válido"),
        ({"first_names": {"a": 1}}, "first_names", "Debe ser un texto."),
        ({"birth_date": "2012-01-01"}, "guardian_name", "menor de edad"),
    ],
)
def test_post_bad_input_is_422_with_fields(client, admin, seeded, db, change, field, message):
    before = counts(db)
    response = client.post("/api/v1/people", json=_payload(**change), headers=_headers(admin))
    assert response.status_code == 422, response.json
    error = response.json
    assert error["code"] == "invalid"
    assert any(message.lower() in m.lower() for m in error["fields"][field]), error
    assert counts(db) == before


def test_post_minor_with_guardian_is_accepted(client, admin, seeded, db):
    payload = _payload(
        birth_date="2012-01-01", guardian_name="Rosa Rondón", guardian_document="PPT XY99887"
    )
    response = client.post("/api/v1/people", json=payload, headers=_headers(admin))
    assert response.status_code == 201
    assert response.json["consents"][0]["guardian_document"] == "PPT XY99887"


def test_non_json_body_is_400(client, admin, db):
    response = client.post("/api/v1/people", data="x", headers=_headers(admin))
    assert response.status_code == 400
    assert set(response.json) == PROBLEM_KEYS


def test_get_search_patch_and_delete_person(client, admin, seeded, db):
    headers = _headers(admin)
    person = factories.person(first_names="Ánderson", last_names="Quintero")
    enrollment = factories.enrollment(person_=person, completed_on=date(2021, 3, 1))
    found = client.post("/api/v1/people/search", json={"q": "anderson"}, headers=headers).json
    assert [p["id"] for p in found["items"]] == [person.id] and found["total"] == 1
    assert client.get(f"/api/v1/people/{person.id}", headers=headers).json["sex"] == "F"
    patched = client.patch(
        f"/api/v1/people/{person.id}",
        json={"phone": "3109876543", "disability": True},
        headers=headers,
    )
    assert patched.status_code == 200, patched.json
    assert patched.json["phone"] == "3109876543"
    assert patched.json["first_names"] == "Ánderson"
    assert patched.json["sensitive"]["disability"] is True
    bad = client.patch(f"/api/v1/people/{person.id}", json={"zone": "norte"}, headers=headers)
    assert bad.status_code == 422 and "zone" in bad.json["fields"]
    deleted = client.delete(f"/api/v1/people/{person.id}", headers=headers)
    assert deleted.status_code == 200
    assert deleted.json["first_names"] == "Persona anonimizada"
    assert deleted.json["document_number"] == f"ANON-{person.id}"
    kept = client.get(f"/api/v1/enrollments/{enrollment.id}", headers=headers).json
    assert kept["completed"] is True and kept["completed_on"] == "2021-03-01"


def test_enrollments_create_get_patch_delete(client, admin, db):
    headers = _headers(admin)
    cohort = factories.cohort()
    person = factories.person()
    created = client.post(
        "/api/v1/enrollments",
        json={"person_id": person.id, "cohort_id": cohort.id},
        headers=headers,
    )
    assert created.status_code == 201, created.json
    enrollment_id = created.json["id"]
    again = client.post(
        "/api/v1/enrollments",
        json={"person_id": person.id, "cohort_id": cohort.id},
        headers=headers,
    )
    assert again.status_code == 422 and "ya tiene una inscripción" in again.json["detail"]
    listed = client.get(f"/api/v1/enrollments?cohort_id={cohort.id}", headers=headers).json
    assert [e["id"] for e in listed["items"]] == [enrollment_id]
    got = client.get(f"/api/v1/enrollments/{enrollment_id}", headers=headers).json
    assert got["hours_credited"] == 0 and got["completed"] is False
    assert got["completed_on"] is None and got["required_hours"] == 16
    patched = client.patch(
        f"/api/v1/enrollments/{enrollment_id}", json={"status": "retirado"}, headers=headers
    )
    assert patched.json["status"] == "retirado"
    wrong = client.patch(
        f"/api/v1/enrollments/{enrollment_id}", json={"status": "completo"}, headers=headers
    )
    assert wrong.status_code == 422 and "status" in wrong.json["fields"]
    assert client.delete(f"/api/v1/enrollments/{enrollment_id}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/enrollments/{enrollment_id}", headers=headers).status_code == 404


def test_enrollment_without_consent_is_422(client, admin, db):
    before = counts(db)
    person = factories.person(consent=False)
    response = client.post(
        "/api/v1/enrollments",
        json={"person_id": person.id, "cohort_id": factories.cohort().id},
        headers=_headers(admin),
    )
    assert response.status_code == 422
    assert "autorización de tratamiento de datos" in response.json["fields"]["consent"][0]
    assert counts(db)[3] == before[3]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"cohort_id": 1}, "person_id"),
        ({"person_id": "abc", "cohort_id": 1}, "person_id"),
        ({"person_id": 1.5, "cohort_id": 1}, "person_id"),
        ({"person_id": 1, "cohort_id": True}, "cohort_id"),
        ({"person_id": 999999, "cohort_id": 1}, "person_id"),
    ],
)
def test_enrollment_bad_fields_are_422(client, admin, db, payload, field):
    response = client.post("/api/v1/enrollments", json=payload, headers=_headers(admin))
    assert response.status_code == 422
    assert field in response.json["fields"]


def test_enrollment_with_attendance_cannot_be_deleted(client, admin, db):
    enrollment = factories.enrollment()
    session = factories.session(enrollment.cohort)
    db.session.add(
        Attendance(session=session, enrollment=enrollment, status="presente", source="web")
    )
    enrollment.hours_credited = Decimal("4")
    db.session.flush()
    response = client.delete(f"/api/v1/enrollments/{enrollment.id}", headers=_headers(admin))
    assert response.status_code == 422
    assert "ya tiene asistencia registrada" in response.json["detail"]
    got = client.get(f"/api/v1/enrollments/{enrollment.id}", headers=_headers(admin)).json
    assert got["hours_credited"] == 4


def test_trainer_token_reaches_only_their_cohorts(client, trainer, db):
    headers = _headers(trainer)
    mine = factories.enrollment(factories.cohort(trainers=[trainer]))
    other = factories.enrollment(factories.cohort())
    assert client.get(f"/api/v1/people/{mine.person_id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/people/{other.person_id}", headers=headers).status_code == 403
    assert client.get(f"/api/v1/enrollments/{mine.id}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/enrollments/{other.id}", headers=headers).status_code == 403
    people = client.get("/api/v1/people", headers=headers).json["items"]
    assert [p["id"] for p in people] == [mine.person_id]
    assert "sensitive" not in people[0]
    listed = client.get("/api/v1/enrollments", headers=headers).json["items"]
    assert [e["id"] for e in listed] == [mine.id]
    denied = client.post(
        "/api/v1/enrollments",
        json={"person_id": mine.person_id, "cohort_id": other.cohort_id},
        headers=headers,
    )
    assert denied.status_code == 403
    assert client.delete(f"/api/v1/people/{mine.person_id}", headers=headers).status_code == 403


def test_analyst_token_gets_403(client, analyst, db):
    headers = _headers(analyst)
    person = factories.person()
    for url in ("/api/v1/people", f"/api/v1/people/{person.id}", "/api/v1/enrollments"):
        assert client.get(url, headers=headers).status_code == 403, url


def test_openapi_documents_people_and_enrollments(client, db):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/people"])
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/people/{person_id}"])
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/enrollments/{enrollment_id}"])
    body = paths["/api/v1/people"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "consent" in body["required"]
    assert "PPT" in body["properties"]["document_type"]["enum"]
