"""Self check-in cannot fake attendance (issue 9 part 6), and the phone says whose
attendance it registered (issue 15 part 13)."""

import re
import time

import pytest
from sqlalchemy import select

from lms.attendance import checkin
from lms.attendance.models import Attendance, CheckinRequest, CheckinTicket
from lms.extensions import db as _db
from tests import factories
from tests.certificates.conftest import standalone_app


@pytest.fixture(autouse=True)
def _still(monkeypatch):
    """The QR code's clock stands still: a slow test run never sees its code expire."""
    now = time.time()
    monkeypatch.setattr(checkin, "clock", lambda: now)


def _ticket(html):
    return re.search(r'name="ticket" type="hidden" value="([^"]+)"', html).group(1)


def _form(app, session):
    """A participant's phone after a good scan: its client, the URL and the ticket."""
    with app.test_request_context():
        code, _ = checkin.current_code(session.id)
    phone = app.test_client()
    url = f"/asistencia/{session.id}/{code}"
    return phone, url, _ticket(phone.get(url).get_data(as_text=True))


def _doc(enrollment):
    return {"document_type": enrollment.person.document_type,
            "document_number": enrollment.person.document_number}


def _marks(db):
    return {(m.enrollment_id, m.status, m.source) for m in db.session.scalars(select(Attendance))}


def test_a_ticket_marks_one_person_once(app, db, group):
    s, (a, b, _c) = group["sessions"][0], group["enrollments"]
    phone, url, ticket = _form(app, s)
    r = phone.post(url, data={**_doc(a), "ticket": ticket})
    assert r.status_code == 200 and "quedó registrada" in r.get_data(as_text=True)
    again = phone.post(url, data={**_doc(b), "ticket": ticket})
    assert again.status_code == 409 and "ya se hizo" in again.get_data(as_text=True)
    assert _marks(db) == {(a.id, "presente", "qr")}
    assert db.session.scalar(select(CheckinTicket.ticket_hash)) != ticket  # only a hash
    # A mistyped document does not spend the ticket: the person corrects it.
    phone, url, ticket = _form(app, s)
    bad = phone.post(url, data={"document_type": "CC", "document_number": "12a",
                                "ticket": ticket})
    assert bad.status_code == 422
    assert phone.post(url, data={**_doc(b), "ticket": ticket}).status_code == 200
    assert _marks(db) == {(a.id, "presente", "qr"), (b.id, "presente", "qr")}


def test_the_code_in_the_url_is_checked_again_on_post(app, db, group):
    s, other = group["sessions"][0], group["sessions"][1]
    a = group["enrollments"][0]
    phone, url, ticket = _form(app, s)
    for target in (f"/asistencia/{s.id}/aaaaaaaaaaaaaaaa", url.replace(str(s.id), str(other.id))):
        r = phone.post(target, data={**_doc(a), "ticket": ticket})
        assert r.status_code == 410 and "ya venció" in r.get_data(as_text=True)
    assert _marks(db) == set()


def test_qr_never_overwrites_a_trainer_mark(app, client, login, db, group):
    s, a = group["sessions"][0], group["enrollments"][0]
    login(group["trainer"])
    client.post(f"/sesiones/{s.id}/asistencia/marcar",
                data={"enrollment_id": a.id, "status": "ausente"})
    phone, url, ticket = _form(app, s)
    r = phone.post(url, data={**_doc(a), "ticket": ticket})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "ya había registrado su asistencia" in page
    assert _marks(db) == {(a.id, "ausente", "web")}
    request = db.session.scalar(select(CheckinRequest))
    assert (request.kind, request.enrollment_id, request.status) == ("conflict", a.id, "pending")
    roster = client.get(f"/sesiones/{s.id}/asistencia").get_data(as_text=True)
    assert f"{a.person.full_name}: se registró por QR como presente" in roster
    # The trainer settles it with a tap: the mark changes and the conflict is closed.
    client.post(f"/sesiones/{s.id}/asistencia/marcar",
                data={"enrollment_id": a.id, "status": "presente"})
    assert _marks(db) == {(a.id, "presente", "web")}
    assert db.session.scalar(select(CheckinRequest.status)) == "confirmed"


def test_phone_shows_whose_attendance_and_offers_another_person(app, db, group):
    s, a = group["sessions"][0], group["enrollments"][0]
    a.person.first_names, a.person.last_names = "María José", "Pérez Gómez"
    db.session.commit()
    phone, url, ticket = _form(app, s)
    page = phone.post(url, data={**_doc(a), "ticket": ticket}).get_data(as_text=True)
    assert "Ma*** Jo*** Pé*** Gó***" in page and "María" not in page
    assert s.cohort.code in page and s.date.strftime("%d/%m/%Y") in page
    assert a.person.document_number not in page and a.person.document_number[-4:] in page
    link = re.search(r'href="([^"]+)">Registrar a otra persona', page).group(1)
    assert link == url
    fresh = phone.get(link)
    assert fresh.status_code == 200 and _ticket(fresh.get_data(as_text=True)) != ticket


def test_junk_cannot_lock_out_real_participants(tmp_path):
    with standalone_app(tmp_path, RATELIMIT_ENABLED=True) as app:
        with app.app_context():
            cohort = factories.cohort()
            s = factories.session(cohort)
            people = [factories.enrollment(cohort) for _ in range(2)]
            _db.session.commit()
            docs = [_doc(e) for e in people]
            session_id = s.id
        junk = app.test_client()
        with app.test_request_context():
            code, _ = checkin.current_code(session_id)
        url = f"/asistencia/{session_id}/{code}"
        statuses = {junk.post(url, data={**docs[0], "ticket": f"forged{i}"}).status_code
                    for i in range(260)}
        assert statuses == {410}
        phone = app.test_client()
        ticket = _ticket(phone.get(url).get_data(as_text=True))
        assert phone.post(url, data={**docs[0], "ticket": ticket}).status_code == 200
        # Real tickets do count: one document six times a minute at most.
        results = []
        for _ in range(7):
            ticket = _ticket(phone.get(url).get_data(as_text=True))
            results.append(phone.post(url, data={**docs[1], "ticket": ticket}).status_code)
        assert results[:5] == [200] * 5 and results[-1] == 429


def test_checkin_requests_are_exported_and_anonymized(app, client, login, admin, db, group):
    s = group["sessions"][0]
    stranger = factories.person(document_number="71234567")  # registered, not enrolled
    db.session.commit()
    phone, url, ticket = _form(app, s)
    r = phone.post(url, data={"document_type": "CC", "document_number": "71.234.567",
                              "ticket": ticket})
    assert r.status_code == 200 and "revisará" in r.get_data(as_text=True)
    login(admin)
    export = client.get(f"/personas/{stranger.id}/exportar.json").get_json()
    assert [(q["session_id"], q["document_number"], q["status"])
            for q in export["checkin_requests"]] == [(s.id, "71234567", "pending")]
    r = client.post(f"/personas/{stranger.id}/anonimizar", data={"confirm": "y"})
    assert r.status_code == 302
    db.session.expire_all()
    numbers = db.session.scalars(select(CheckinRequest.document_number)).all()
    assert numbers == [f"ANON-{stranger.id}"]
    export = client.get(f"/personas/{stranger.id}/exportar.json").get_data(as_text=True)
    assert "71234567" not in export and "checkin_requests" in export
    login(group["trainer"])
    assert "71234567" not in client.get(f"/sesiones/{s.id}/asistencia").get_data(as_text=True)
