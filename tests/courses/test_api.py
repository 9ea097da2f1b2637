"""API: CRUD for sites, plan indicators, courses, cohorts and sessions; errors and roles."""

from datetime import date

import pytest
from sqlalchemy import func, select

from lms.courses.models import Course, CourseSession, Site
from tests import factories


def test_requests_without_token_get_401(client, db):
    for url in ("/api/v1/sites", "/api/v1/courses", "/api/v1/cohorts", "/api/v1/plan-indicators"):
        response = client.get(url)
        assert response.status_code == 401
        assert response.get_json()["code"] == "unauthorized"


def test_site_crud(client, admin, bearer, catalog, db):
    headers = bearer(admin)
    body = {"code": "cac-9", "name": "CAC Nueve", "kind": "Punto Vive Digital", "zone": "rural"}
    body["area"] = "Palmarito"
    created = client.post("/api/v1/sites", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    site = created.get_json()
    assert (site["code"], site["kind"], site["active"], site["area"]) == (
        "CAC-9",
        "pvd",
        True,
        "Palmarito",
    )
    url = f"/api/v1/sites/{site['id']}"
    assert client.get(url, headers=headers).get_json()["name"] == "CAC Nueve"
    changed = client.patch(url, json={"name": "CAC 9", "active": False}, headers=headers)
    assert changed.status_code == 200
    assert (changed.get_json()["name"], changed.get_json()["active"]) == ("CAC 9", False)
    assert changed.get_json()["zone"] == "rural"
    listing = client.get("/api/v1/sites?limit=1", headers=headers).get_json()
    assert (listing["limit"], listing["total"], listing["next"]) == (1, 1, None)
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(url, headers=headers).status_code == 404


def test_site_errors_are_422_with_fields_or_400(client, admin, bearer, catalog, db):
    headers = bearer(admin)
    response = client.post("/api/v1/sites", json={"code": "X", "zone": "lunar"}, headers=headers)
    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert "name" in fields
    response = client.post(
        "/api/v1/sites",
        json={"code": "X", "name": "X", "kind": "cac", "zone": "lunar"},
        headers=headers,
    )
    assert response.status_code == 422
    assert response.get_json()["fields"]["zone"] == [
        "Zona no válida: «lunar»; use urbana o rural."
    ]
    response = client.post(
        "/api/v1/sites", data="no es json", headers={**headers, "Content-Type": "text/plain"}
    )
    assert response.status_code == 400
    assert client.post("/api/v1/sites", json=[1, 2], headers=headers).status_code == 400
    assert db.session.scalar(select(func.count(Site.id))) == 0


def test_wrong_role_gets_403(client, trainer, analyst, bearer, catalog, db):
    site = factories.site()
    for user in (trainer, analyst):
        headers = bearer(user)
        assert client.get("/api/v1/sites", headers=headers).status_code == 200
        assert client.post("/api/v1/sites", json={}, headers=headers).status_code == 403
        assert client.delete(f"/api/v1/sites/{site.id}", headers=headers).status_code == 403
        assert client.post("/api/v1/courses", json={}, headers=headers).status_code == 403
        assert client.post("/api/v1/cohorts", json={}, headers=headers).status_code == 403
    assert client.get("/api/v1/plan-indicators", headers=bearer(trainer)).status_code == 403
    indicators = client.get("/api/v1/plan-indicators", headers=bearer(analyst))
    assert indicators.status_code == 200 and indicators.get_json()["total"] == 3


def test_course_crud_and_bad_input(client, admin, bearer, catalog, db):
    headers = bearer(admin)
    body = {
        "code": "API-1",
        "name": "Curso por API",
        "hours": 0,
        "min_attendance_pct": 120,
        "document_kind": "constancia",
        "product_code": "2301031",
    }
    response = client.post("/api/v1/courses", json=body, headers=headers)
    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert fields["hours"] == ["Las horas del curso deben ser un número mayor que 0."]
    assert fields["min_attendance_pct"] == [
        "La asistencia mínima debe ser un porcentaje entre 1 y 100."
    ]
    response = client.post(
        "/api/v1/courses",
        json={**body, "hours": "veinte", "min_attendance_pct": 80},
        headers=headers,
    )
    assert response.status_code == 422 and "hours" in response.get_json()["fields"]
    response = client.post(
        "/api/v1/courses", json={**body, "hours": 16, "min_attendance_pct": 75}, headers=headers
    )
    assert response.status_code == 201
    course = response.get_json()
    assert (course["hours"], course["grants_document"], course["active"]) == (16, True, True)
    url = f"/api/v1/courses/{course['id']}"
    patched = client.patch(url, json={"auto_issue": True}, headers=headers).get_json()
    assert (patched["auto_issue"], patched["hours"], patched["min_attendance_pct"]) == (
        True,
        16,
        75,
    )
    assert client.delete(url, headers=headers).status_code == 204


def test_indicator_crud(client, admin, bearer, db):
    headers = bearer(admin)
    body = {
        "code": "PDM-2027",
        "name": "Personas capacitadas",
        "product_code": "2301031",
        "goal": 4000,
        "period_start": "2027-12-31",
        "period_end": "2024-01-01",
        "rule": "completed",
    }
    response = client.post("/api/v1/plan-indicators", json=body, headers=headers)
    assert response.status_code == 422
    assert "period_end" in response.get_json()["fields"]
    body["period_start"], body["period_end"] = "2024-01-01", "2027-12-31"
    response = client.post("/api/v1/plan-indicators", json=body, headers=headers)
    assert response.status_code == 201
    url = f"/api/v1/plan-indicators/{response.get_json()['id']}"
    assert client.patch(url, json={"goal": 4500}, headers=headers).get_json()["goal"] == 4500
    response = client.patch(url, json={"goal": "muchas"}, headers=headers)
    assert response.status_code == 422 and "goal" in response.get_json()["fields"]
    assert client.delete(url, headers=headers).status_code == 204


def test_cohort_crud_and_trainer_visibility(
    client, admin, trainer, other_trainer, bearer, catalog, db
):
    headers = bearer(admin)
    site = factories.site()
    course = db.session.scalar(select(Course).where(Course.code == "TIC-BASICO"))
    body = {
        "code": "API-G1",
        "course_id": course.id,
        "site_id": site.id,
        "trainer_ids": [trainer.id],
        "start_date": "2022-02-01",
        "end_date": "2022-01-01",
        "capacity": 20,
        "modality": "virtual",
    }
    response = client.post("/api/v1/cohorts", json=body, headers=headers)
    assert response.status_code == 422
    assert "end_date" in response.get_json()["fields"]
    response = client.post(
        "/api/v1/cohorts", json={**body, "course_id": "abc", "capacity": "x"}, headers=headers
    )
    assert response.status_code == 422
    assert {"course_id", "capacity"} <= set(response.get_json()["fields"])
    body["end_date"] = "2022-05-31"
    response = client.post("/api/v1/cohorts", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    cohort = response.get_json()
    assert (cohort["trainer_ids"], cohort["enrolled"]) == ([trainer.id], 0)
    url = f"/api/v1/cohorts/{cohort['id']}"
    patched = client.patch(url, json={"capacity": 35}, headers=headers).get_json()
    assert (patched["capacity"], patched["trainer_ids"]) == (35, [trainer.id])
    theirs = factories.cohort(trainers=[other_trainer])

    mine = client.get("/api/v1/cohorts", headers=bearer(trainer)).get_json()
    assert [c["code"] for c in mine["items"]] == ["API-G1"] and mine["total"] == 1
    assert client.get(f"/api/v1/cohorts/{theirs.id}", headers=bearer(trainer)).status_code == 403
    everything = client.get("/api/v1/cohorts", headers=headers).get_json()
    assert everything["total"] == 2
    assert client.delete(url, headers=headers).status_code == 204


def test_sessions_api(client, admin, trainer, other_trainer, bearer, db):
    cohort = factories.cohort(
        trainers=[trainer], start_date=date(2021, 3, 1), end_date=date(2021, 3, 31)
    )
    url = f"/api/v1/cohorts/{cohort.id}/sessions"
    headers = bearer(trainer)
    response = client.post(url, json={"date": "2021-04-02", "hours": 3}, headers=headers)
    assert response.status_code == 422
    assert "fuera de las fechas del grupo" in response.get_json()["fields"]["date"][0]
    response = client.post(url, json={"date": "2021-03-02"}, headers=headers)
    assert response.status_code == 422 and "hours" in response.get_json()["fields"]
    response = client.post(
        url, json={"date": "2021-03-02", "hours": 3, "start_time": "08:00"}, headers=headers
    )
    assert response.status_code == 201
    session = response.get_json()
    assert (session["hours"], session["start_time"]) == (3, "08:00")
    assert (
        client.post(
            url, json={"date": "2021-03-05", "hours": 2}, headers=bearer(other_trainer)
        ).status_code
        == 403
    )
    series = client.post(
        url + "/series",
        json={
            "first_date": "2021-03-01",
            "last_date": "2021-03-07",
            "weekdays": [0, 1],
            "hours": 2,
        },
        headers=headers,
    )
    assert series.status_code == 201
    assert [s["date"] for s in series.get_json()["created"]] == ["2021-03-01"]
    assert series.get_json()["skipped"] == ["2021-03-02"]
    listing = client.get(url, headers=headers).get_json()
    assert [s["date"] for s in listing["items"]] == ["2021-03-01", "2021-03-02"]

    one = f"/api/v1/sessions/{session['id']}"
    assert client.get(one, headers=headers).status_code == 200
    assert client.patch(one, json={"hours": 4}, headers=headers).status_code == 403
    admin_headers = bearer(admin)
    patched = client.patch(one, json={"hours": 4, "topic": "Correo"}, headers=admin_headers)
    assert patched.status_code == 200
    assert (patched.get_json()["hours"], patched.get_json()["start_time"]) == (4, "08:00")
    assert client.delete(one, headers=headers).status_code == 403
    assert client.delete(one, headers=admin_headers).status_code == 204
    count = db.session.scalar(
        select(func.count(CourseSession.id)).where(CourseSession.cohort_id == cohort.id)
    )
    assert count == 1


def test_series_api_names_the_holidays_it_leaves_out(client, trainer, bearer, db):
    cohort = factories.cohort(
        trainers=[trainer], start_date=date(2021, 3, 1), end_date=date(2021, 3, 31)
    )
    url = f"/api/v1/cohorts/{cohort.id}/sessions/series"
    body = {"first_date": "2021-03-15", "last_date": "2021-03-28", "weekdays": [0], "hours": 2}
    festive = client.post(url, json=body, headers=bearer(trainer))
    assert festive.status_code == 201
    assert [s["date"] for s in festive.get_json()["created"]] == ["2021-03-15"]
    assert list(festive.get_json()["holidays"]) == ["2021-03-22"]  # San José, moved to Monday
    kept = client.post(url, json={**body, "include_holidays": True}, headers=bearer(trainer))
    assert [s["date"] for s in kept.get_json()["created"]] == ["2021-03-22"]


@pytest.mark.parametrize(
    "path",
    [
        "/sites",
        "/sites/{site_id}",
        "/courses/{course_id}",
        "/plan-indicators",
        "/cohorts/{cohort_id}",
        "/cohorts/{cohort_id}/sessions",
        "/sessions/{session_id}",
    ],
)
def test_openapi_documents_the_resources(client, db, path):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1" + path in paths


def test_openapi_session_body_comes_from_the_form(client, db):
    doc = client.get("/api/v1/openapi.json").get_json()
    post = doc["paths"]["/api/v1/cohorts/{cohort_id}/sessions"]["post"]
    schema = post["requestBody"]["content"]["application/json"]["schema"]
    assert {"date", "hours"} <= set(schema["required"])


@pytest.mark.parametrize(
    ("url", "field", "value"),
    [
        ("/api/v1/sites", "active", "no"),
        ("/api/v1/sites", "name", {"a": 1}),
        ("/api/v1/sites", "zone", True),
        ("/api/v1/courses", "grants_document", "no"),
        ("/api/v1/courses", "hours", [20]),
        ("/api/v1/cohorts", "trainer_ids", "3"),
    ],
)
def test_wrong_json_types_are_a_422_naming_the_field(client, admin, bearer, catalog, db,
                                                     url, field, value):
    before = {m: db.session.scalar(select(func.count()).select_from(m)) for m in (Site, Course)}
    response = client.post(url, json={field: value}, headers=bearer(admin))
    assert response.status_code == 422, response.get_json()
    error = response.get_json()
    assert error["fields"][field][0].startswith("Debe ser")
    assert {m: db.session.scalar(select(func.count()).select_from(m)) for m in (Site, Course)} \
        == before
