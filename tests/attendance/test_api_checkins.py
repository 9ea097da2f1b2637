"""The trainer's side of the QR check-in over the API (the code, the queue of requests, and
settling them, own cohorts only) and the admins' completion conflicts."""

import pytest
from sqlalchemy import select

from lms.attendance import checkin
from lms.attendance.models import Attendance, CheckinRequest
from lms.auth.services import create_token
from tests import factories
from tests.attendance.test_checkin import T0, _ticket
from tests.attendance.test_completion import _fresh, _mark, conflicted


@pytest.fixture
def clock(monkeypatch):
    """A clock fixed early in a code's 20-second window."""
    monkeypatch.setattr(checkin, "clock", lambda: T0 + 3)


def _auth(user):
    return {"Authorization": f"Bearer {create_token(user, 'pruebas')}"}


def _scan(app, client, session, trainer, number):
    code = client.get(f"/api/v1/sessions/{session.id}/checkin-code", headers=_auth(trainer))
    assert code.status_code == 200 and code.headers["Cache-Control"] == "no-store"
    url = code.get_json()["url"].replace("http://localhost", "")
    anonymous = app.test_client()
    ticket = _ticket(anonymous.get(url).get_data(as_text=True))
    r = anonymous.post(url, data={"document_type": "CC", "document_number": number,
                                  "ticket": ticket})
    assert r.status_code == 200


def test_trainer_lists_and_settles_their_own_requests(app, client, login, group, db, clock):
    s, e, trainer = group["sessions"][0], group["enrollments"][0], group["trainer"]
    login(trainer)
    _mark(client, s, e, "ausente")  # then the person scans: a conflict with the trainer
    _scan(app, client, s, trainer, e.person.document_number)
    _scan(app, client, s, trainer, "88777666")  # nobody enrolled: unknown
    listed = client.get(f"/api/v1/checkin-requests?session_id={s.id}", headers=_auth(trainer))
    assert listed.status_code == 200
    items = {i["kind"]: i for i in listed.get_json()["items"]}
    assert set(items) == {"conflict", "unknown"}
    assert items["conflict"]["name"] == e.person.full_name and items["unknown"]["name"] is None
    assert items["unknown"]["created_at"].endswith("Z")

    other = factories.user(role="trainer")
    assert client.get("/api/v1/checkin-requests",
                      headers=_auth(other)).get_json()["items"] == []
    refused = client.post(f"/api/v1/checkin-requests/{items['conflict']['id']}/resolve",
                          json={"action": "confirm"}, headers=_auth(other))
    assert refused.status_code == 403

    unknown = f"/api/v1/checkin-requests/{items['unknown']['id']}/resolve"
    r = client.post(unknown, json={"action": "confirm"}, headers=_auth(trainer))
    assert r.status_code == 422 and "no está inscrita" in r.get_json()["detail"]
    r = client.post(unknown, json={"action": "reject"}, headers=_auth(trainer))
    assert r.status_code == 200 and r.get_json()["status"] == "rejected"
    r = client.post(unknown, json={"action": "reject"}, headers=_auth(trainer))
    assert r.status_code == 422 and "ya fue atendida" in r.get_json()["detail"]

    conflict = f"/api/v1/checkin-requests/{items['conflict']['id']}/resolve"
    r = client.post(conflict, json={"action": "confirm", "status": "tarde"},
                    headers=_auth(trainer))
    assert r.status_code == 200 and r.get_json()["status"] == "confirmed"
    mark = db.session.scalar(select(Attendance).where(Attendance.enrollment_id == e.id))
    assert mark.status == "tarde"
    assert db.session.scalar(select(CheckinRequest).where(
        CheckinRequest.status == "pending")) is None
    bad = client.post(conflict, json={"action": "olvidar"}, headers=_auth(trainer))
    assert bad.status_code == 422 and "action" in bad.get_json()["fields"]


def test_checkin_code_is_for_the_sessions_trainers(client, group, db, clock):
    s = group["sessions"][0]
    other = factories.user(role="trainer")
    r = client.get(f"/api/v1/sessions/{s.id}/checkin-code", headers=_auth(other))
    assert r.status_code == 403
    r = client.get(f"/api/v1/sessions/{s.id}/checkin-code", headers=_auth(group["trainer"]))
    assert r.get_json()["url"].endswith(f"/asistencia/{s.id}/{r.get_json()['code']}")


def test_admin_settles_completion_conflicts(client, login, group, db, admin):
    s, e = group["sessions"], group["enrollments"][0]
    cert = conflicted(client, login, group, db, e)
    assert client.get("/api/v1/completion-conflicts",
                      headers=_auth(group["trainer"])).status_code == 403
    listed = client.get("/api/v1/completion-conflicts", headers=_auth(admin)).get_json()
    assert [(c["enrollment_id"], c["name"]) for c in listed] == [(e.id, e.person.full_name)]
    url = f"/api/v1/completion-conflicts/{e.id}/resolve"
    r = client.post(url, json={"action": "undo"}, headers=_auth(admin))
    assert r.status_code == 422 and "Revóquelo primero" in r.get_json()["detail"]
    assert _fresh(db, e).completion_conflict is True
    r = client.post(url, json={"action": "keep"}, headers=_auth(admin))
    assert r.status_code == 200 and r.get_json()["completed_on"] == s[3].date.isoformat()
    assert _fresh(db, e).completion_conflict is False and cert.id
    again = client.post(url, json={"action": "keep"}, headers=_auth(admin))
    assert again.status_code == 422 and "no tiene un conflicto" in again.get_json()["detail"]
    assert client.get("/api/v1/completion-conflicts", headers=_auth(admin)).get_json() == []
