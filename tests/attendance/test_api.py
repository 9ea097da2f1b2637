from sqlalchemy import func, select

from lms.attendance.models import Attendance
from lms.auth.services import create_token
from tests import factories


def _auth(user):
    return {"Authorization": f"Bearer {create_token(user, 'pruebas')}"}


def _item(enrollment, status="presente", mark_id="m-1"):
    p = enrollment.person
    return {"document_type": p.document_type, "document_number": p.document_number,
            "status": status, "mark_id": mark_id}


def test_roster_and_idempotent_marks(client, login, db, group):
    s, (a, b, _c) = group["sessions"][0], group["enrollments"]
    headers = _auth(group["trainer"])
    login(group["trainer"])
    url = f"/api/v1/sessions/{s.id}/attendance"
    body = [_item(a, "presente", "tab-1"), _item(b, "tarde", "tab-2")]
    r = client.put(url, json=body, headers=headers)
    assert r.status_code == 200, r.json
    assert (r.json["created"], r.json["updated"]) == (2, 0)
    again = client.put(url, json=body, headers=headers)  # a retry after a timeout
    assert again.status_code == 200 and again.json["created"] == 0
    assert again.json["unchanged"] == 2
    assert db.session.scalar(select(func.count(Attendance.id))) == 2
    roster = client.get(f"/api/v1/sessions/{s.id}/roster", headers=headers)
    assert roster.status_code == 200
    items = {i["enrollment_id"]: i for i in roster.json["items"]}
    assert items[a.id]["status"] == "presente" and items[a.id]["source"] == "api"
    assert items[a.id]["marked_at"].endswith("Z")  # RFC 3339: the time zone is said
    assert items[b.id]["hours_credited"] == 4.0 and items[_c.id]["status"] is None
    # A web change keeps the API's key: retrying that API mark does not undo the change.
    client.post(f"/sesiones/{s.id}/asistencia/marcar", data={"enrollment_id": a.id,
                                                             "status": "ausente"})
    client.put(url, json=[_item(a, "presente", "tab-1")], headers=headers)
    assert db.session.scalar(select(Attendance.status).where(
        Attendance.enrollment_id == a.id)) == "ausente"


def test_bad_items_are_named_and_nothing_is_written(client, db, group):
    s, (a, b, _c) = group["sessions"][0], group["enrollments"]
    headers = _auth(group["trainer"])
    stranger = factories.enrollment()
    body = [
        _item(a, "presente", "x-1"),
        {**_item(b, "feliz", "x-2")},
        {**_item(b, "tarde", "x-3"), "document_type": "ZZ"},
        _item(stranger, "presente", "x-4"),
        {**_item(b, "tarde"), "mark_id": ""},
        "nope",
    ]
    r = client.put(f"/api/v1/sessions/{s.id}/attendance", json=body, headers=headers)
    assert r.status_code == 422
    fields = r.json["fields"]
    assert set(fields) == {"items[1].status", "items[2].document_type",
                           "items[3].document_number", "items[4].mark_id", "items[5]"}
    assert db.session.scalar(select(func.count(Attendance.id))) == 0
    r = client.put(f"/api/v1/sessions/{s.id}/attendance", json={"a": 1}, headers=headers)
    assert r.status_code == 400
    client.put(f"/api/v1/sessions/{s.id}/attendance", json=[_item(a, mark_id="used")],
               headers=headers)
    r = client.put(f"/api/v1/sessions/{s.id}/attendance", json=[_item(b, mark_id="used")],
                   headers=headers)
    assert r.status_code == 422 and "items[0].mark_id" in r.json["fields"]


def test_trainer_token_reaches_own_cohorts_only(client, db, group):
    s = group["sessions"][0]
    other = _auth(factories.user(role="trainer"))
    analyst = _auth(factories.user(role="analyst"))
    for headers in (other, analyst):
        assert client.get(f"/api/v1/sessions/{s.id}/roster", headers=headers).status_code == 403
        assert client.put(f"/api/v1/sessions/{s.id}/attendance", json=[],
                          headers=headers).status_code == 403
    assert client.get(f"/api/v1/sessions/{s.id}/roster").status_code == 401
    admin = _auth(factories.user(role="admin"))
    assert client.get(f"/api/v1/sessions/{s.id}/roster", headers=admin).status_code == 200
    assert client.get("/api/v1/sessions/999999/roster", headers=admin).status_code == 404


def test_endpoints_are_in_the_openapi_document(client, db):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "get" in paths["/api/v1/sessions/{session_id}/roster"]
    put = paths["/api/v1/sessions/{session_id}/attendance"]["put"]
    schema = put["requestBody"]["content"]["application/json"]["schema"]
    assert schema["items"]["required"] == ["document_type", "document_number", "status",
                                           "mark_id"]


def test_a_late_retry_is_a_replay_even_after_newer_marks(client, db, group):
    s, (a, b, _c) = group["sessions"][0], group["enrollments"]
    headers = _auth(group["trainer"])
    url = f"/api/v1/sessions/{s.id}/attendance"

    def status():
        return db.session.scalar(select(Attendance.status).where(
            Attendance.enrollment_id == a.id, Attendance.session_id == s.id))

    assert client.put(url, json=[_item(a, "presente", "k-a")], headers=headers).status_code == 200
    assert client.put(url, json=[_item(a, "ausente", "k-b")], headers=headers).status_code == 200
    late = client.put(url, json=[_item(a, "presente", "k-a")], headers=headers)
    assert late.status_code == 200 and late.json["unchanged"] == 1 and late.json["updated"] == 0
    assert status() == "ausente"
    # A key whose item changed nothing is remembered too: after k-d, k-c's retry is a replay.
    r = client.put(url, json=[_item(a, "ausente", "k-c"), _item(b, "tarde", "k-x")],
                   headers=headers)
    assert r.json["unchanged"] == 1 and r.json["created"] == 1
    client.put(url, json=[_item(a, "presente", "k-d")], headers=headers)
    client.put(url, json=[_item(a, "ausente", "k-c")], headers=headers)
    assert status() == "presente"
    # A retry never moves a key to someone else.
    r = client.put(url, json=[_item(b, "presente", "k-a")], headers=headers)
    assert r.status_code == 422 and "items[0].mark_id" in r.json["fields"]
