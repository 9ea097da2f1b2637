import re

import pytest
from sqlalchemy import select

from lms.attendance import checkin
from lms.attendance.models import Attendance, CheckinRequest
from lms.audit.models import AuditEntry

T0 = 1_700_000_000.0 - (1_700_000_000.0 % 20)  # the start of a 20-second window


@pytest.fixture
def clock(monkeypatch):
    now = {"t": T0 + 3}
    monkeypatch.setattr(checkin, "clock", lambda: now["t"])
    return now


def _code(client, session):
    r = client.get(f"/sesiones/{session.id}/qr.json")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    return r.json


def _ticket(html):
    return re.search(r'name="ticket" type="hidden" value="([^"]+)"', html).group(1)


def test_trainer_qr_page_and_json(client, login, group, db, clock):
    s = group["sessions"][0]
    assert client.get(f"/sesiones/{s.id}/qr.json").status_code in (302, 401)
    login(group["trainer"])
    page = client.get(f"/sesiones/{s.id}/qr").get_data(as_text=True)
    data = _code(client, s)
    assert "<svg" in page and data["code"] in page
    assert data["url"].endswith(f"/asistencia/{s.id}/{data['code']}")
    assert data["svg"].startswith("<?xml") or "<svg" in data["svg"]
    assert data["expires_in"] == 17
    clock["t"] = T0 + 21
    assert _code(client, s)["code"] != data["code"]
    from tests import factories

    login(factories.user(role="trainer"))
    assert client.get(f"/sesiones/{s.id}/qr.json").status_code == 403


def test_participant_checks_in_through_the_code(app, client, login, group, db, clock):
    s, e = group["sessions"][0], group["enrollments"][0]
    login(group["trainer"])
    url = _code(client, s)["url"].replace("http://localhost", "")
    anonymous = app.test_client()
    form = anonymous.get(url)
    assert form.status_code == 200
    clock["t"] = T0 + 200  # typing slowly: the form's ticket still holds
    r = anonymous.post(url, data={"document_type": "CC",
                                  "document_number": e.person.document_number,
                                  "ticket": _ticket(form.get_data(as_text=True))})
    assert r.status_code == 200 and "quedó registrada" in r.get_data(as_text=True)
    assert e.person.full_name not in r.get_data(as_text=True)
    mark = db.session.scalar(select(Attendance).where(Attendance.enrollment_id == e.id))
    assert (mark.status, mark.source, mark.marked_by_id) == ("presente", "qr", None)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "attendance"))
    assert entry.changes["source"] == [None, "qr"] and entry.actor_id is None


def test_codes_expire_after_20_seconds_plus_margin(app, client, login, group, db, clock):
    s = group["sessions"][0]
    login(group["trainer"])
    url = _code(client, s)["url"].replace("http://localhost", "")
    anonymous = app.test_client()
    clock["t"] = T0 + 20 + checkin.MARGIN - 1  # next window, inside the margin
    assert anonymous.get(url).status_code == 200
    clock["t"] = T0 + 20 + checkin.MARGIN + 1
    r = anonymous.get(url)
    assert r.status_code == 410 and "ya venció" in r.get_data(as_text=True)
    assert anonymous.get(f"/asistencia/{s.id}/abcdefgh").status_code == 410
    r = anonymous.post(url, data={"document_type": "CC", "document_number": "123",
                                  "ticket": "forged"})
    assert r.status_code == 410
    assert db.session.scalar(select(Attendance)) is None


def test_unknown_document_is_queued_for_the_trainer(app, client, login, group, db, clock):
    s = group["sessions"][0]
    login(group["trainer"])
    url = _code(client, s)["url"].replace("http://localhost", "")
    anonymous = app.test_client()
    for _ in range(2):  # a repeated scan does not queue twice
        ticket = _ticket(anonymous.get(url).get_data(as_text=True))
        r = anonymous.post(url, data={"document_type": "CC", "document_number": "88.777.666",
                                      "ticket": ticket})
        assert r.status_code == 200 and "revisará" in r.get_data(as_text=True)
    requests = db.session.scalars(select(CheckinRequest)).all()
    assert [(q.document_number, q.status) for q in requests] == [("88777666", "pending")]
    page = client.get(f"/sesiones/{s.id}/asistencia").get_data(as_text=True)
    assert "88777666" in page
    ticket = _ticket(anonymous.get(url).get_data(as_text=True))
    r = anonymous.post(url, data={"document_type": "CC", "document_number": "12a",
                                  "ticket": ticket})
    assert r.status_code == 422 and "dígitos" in r.get_data(as_text=True)
