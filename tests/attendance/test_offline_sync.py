"""The offline app's data and sync endpoints, through the HTTP client."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lms.attendance.models import Attendance
from lms.attendance.offline_models import OfflineMark
from lms.audit.models import AuditEntry
from lms.people.models import Person
from lms.timeutil import local_today, utcnow
from tests import factories


@pytest.fixture
def today_group(db, trainer):
    """A cohort with a session today, one in 10 days and one in 20 days, and 3 people."""
    cohort = factories.cohort(trainers=[trainer])
    today = local_today()
    sessions = [factories.session(cohort, day=today + timedelta(days=d), hours="4")
                for d in (0, 10, 20)]
    people = [factories.enrollment(cohort) for _ in range(3)]
    factories.notice(version="2026-07")
    db.session.commit()
    return {"cohort": cohort, "sessions": sessions, "enrollments": people}


def _item(session, enrollment_id, status, user, minutes=0, **extra):
    made = utcnow() - timedelta(minutes=30) + timedelta(minutes=minutes)
    return {"mark_id": str(uuid.uuid4()), "device_id": "tel-1", "user_id": user.id,
            "kind": "mark", "session_id": session.id, "enrollment_id": enrollment_id,
            "status": status, "made_at": made.isoformat() + "Z", "base": None, **extra}


def _sync(client, items, device="tel-1"):
    return client.post("/app/sincronizar", json={"device_id": device, "items": items})


def _count(db, model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_bundle_holds_two_weeks_of_rosters_and_nothing_more(client, login, trainer,
                                                                today_group):
    login(trainer)
    body = client.get("/app/datos.json?device=tel-1").get_json()
    assert [s["id"] for s in body["sessions"]] == [s.id for s in today_group["sessions"][:2]]
    row = body["sessions"][0]["roster"][0]
    assert set(row) == {"enrollment_id", "name", "document", "status", "note", "base",
                        "hours_credited"}
    assert body["sessions"][0]["cohort"]["required_hours"] == 16.0
    assert body["notice"]["version"] == "2026-07"
    assert body["csrf_token"] and len(body["device_key"]) == 64


def test_a_replayed_queue_adds_nothing(client, login, trainer, today_group, db):
    login(trainer)
    session, (a, b, _c) = today_group["sessions"][0], today_group["enrollments"]
    items = [_item(session, a.id, "presente", trainer), _item(session, b.id, "tarde", trainer),
             _item(session, a.id, "ausente", trainer, minutes=5)]
    first = _sync(client, items).get_json()["results"]
    assert [r["outcome"] for r in first] == ["applied"] * 3
    audits = _count(db, AuditEntry)
    again = _sync(client, items).get_json()["results"]
    assert [r["outcome"] for r in again] == ["replay"] * 3
    assert _count(db, Attendance) == 2
    assert _count(db, OfflineMark) == 3
    assert _count(db, AuditEntry) == audits
    mark = db.session.scalar(select(Attendance).where(Attendance.enrollment_id == a.id))
    assert mark.status == "ausente"
    assert mark.marked_at.isoformat() == items[2]["made_at"].removesuffix("Z")


def _server_mark(db, session, enrollment, status, by, at):
    row = Attendance(session_id=session.id, enrollment_id=enrollment.id, status=status,
                     source="qr", marked_by_id=by.id if by else None, marked_at=at)
    db.session.add(row)
    db.session.commit()
    return row


def test_conflict_the_later_mark_wins_and_both_values_are_audited(client, login, trainer,
                                                                   today_group, db):
    login(trainer)
    session, (a, b, _c) = today_group["sessions"][0], today_group["enrollments"]
    now = utcnow()
    _server_mark(db, session, a, "presente", None, now - timedelta(minutes=20))
    _server_mark(db, session, b, "presente", None, now - timedelta(minutes=20))
    older = _item(session, a.id, "ausente", trainer, minutes=0)    # made 30 min ago
    newer = _item(session, b.id, "ausente", trainer, minutes=25)   # made 5 min ago
    results = _sync(client, [older, newer]).get_json()["results"]
    assert [r["outcome"] for r in results] == ["kept", "applied"]
    assert results[0]["conflict"]["winner"] == "server" and results[0]["conflict"]["by_other"]
    assert results[1]["conflict"] == {**results[1]["conflict"], "server": "presente",
                                      "device": "ausente", "winner": "device"}
    status = dict(db.session.execute(select(Attendance.enrollment_id, Attendance.status)).all())
    assert status == {a.id: "presente", b.id: "ausente"}
    conflicts = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "conflict")
                                   .order_by(AuditEntry.id)).all()
    assert [c.changes["status"] for c in conflicts] == [["presente", "ausente"]] * 2
    assert [c.changes["winner"][1] for c in conflicts] == ["server", "device"]


def test_the_office_can_make_the_server_win(app, client, login, trainer, today_group, db):
    app.config["OFFLINE_CONFLICT_RULE"] = "server"
    try:
        login(trainer)
        session, a = today_group["sessions"][0], today_group["enrollments"][0]
        _server_mark(db, session, a, "presente", None, utcnow() - timedelta(hours=2))
        result = _sync(client, [_item(session, a.id, "ausente", trainer)]).get_json()
        assert result["results"][0]["outcome"] == "kept"
    finally:
        app.config["OFFLINE_CONFLICT_RULE"] = "later"


def test_an_unchanged_base_is_no_conflict(client, login, trainer, today_group, db):
    login(trainer)
    session, a = today_group["sessions"][0], today_group["enrollments"][0]
    row = _server_mark(db, session, a, "presente", None, utcnow() - timedelta(minutes=1))
    base = client.get("/app/datos.json").get_json()["sessions"][0]["roster"]
    base = next(r["base"] for r in base if r["enrollment_id"] == a.id)
    item = _item(session, a.id, "tarde", trainer, base=base)  # made before the server's
    result = _sync(client, [item]).get_json()["results"][0]
    assert result["outcome"] == "applied" and "conflict" not in result
    db.session.refresh(row)
    assert row.status == "tarde"


def test_marks_for_deleted_people_or_sessions_are_reported(client, login, trainer,
                                                           today_group, db):
    login(trainer)
    session, a = today_group["sessions"][0], today_group["enrollments"][0]
    gone = _item(session, 999_999, "presente", trainer)
    no_session = {**_item(session, a.id, "presente", trainer), "session_id": 999_999}
    results = _sync(client, [gone, no_session]).get_json()["results"]
    assert [r["outcome"] for r in results] == ["orphan", "orphan"]
    assert "ya no existe" in results[0]["message"]
    assert _count(db, OfflineMark, OfflineMark.outcome == "orphan") == 2
    assert _count(db, Attendance) == 0


def test_another_users_queue_or_cohort_is_refused(client, login, trainer, today_group, db):
    other = factories.user("trainer")
    db.session.commit()
    login(other)
    session, a = today_group["sessions"][0], today_group["enrollments"][0]
    results = _sync(client, [_item(session, a.id, "presente", trainer),
                             _item(session, a.id, "presente", other)]).get_json()["results"]
    assert [r["outcome"] for r in results] == ["refused", "refused"]
    assert "otra cuenta" in results[0]["message"]
    assert "no tiene a cargo" in results[1]["message"]
    assert _count(db, Attendance) == 0 and _count(db, OfflineMark) == 0


def _walk_in(session, user, number, **person):
    data = {"document_type": "CC", "document_number": number, "first_names": "Yorgelis",
            "last_names": "Contreras", "birth_date": "1995-04-03", "sex": "F", "zone": "rural",
            **person}
    return {**_item(session, None, "presente", user), "kind": "walk_in", "person": data,
            "consent": True, "notice_version": "2026-07"}


def test_walk_ins_are_registered_once_and_refusals_stay_queued(client, login, trainer,
                                                               today_group, db):
    login(trainer)
    session = today_group["sessions"][0]
    fine = _walk_in(session, trainer, "1.090.555.111")
    later = {**_item(session, None, "tarde", trainer, minutes=10), "walk_in_ref": fine["mark_id"]}
    twice = _walk_in(session, trainer, "1090555111")  # the same document, queued again
    minor = _walk_in(session, trainer, "1090666222", document_type="TI", birth_date="2012-06-01")
    results = _sync(client, [fine, later, twice, minor]).get_json()["results"]
    assert [r["outcome"] for r in results] == ["applied", "applied", "applied", "refused"]
    assert results[0]["enrollment_id"] == results[2]["enrollment_id"]
    assert "acudiente" in results[3]["message"].lower()
    assert _count(db, Person, Person.document_number.in_(["1090555111", "1090666222"])) == 1
    mark = db.session.scalar(select(Attendance).where(
        Attendance.enrollment_id == results[0]["enrollment_id"]))
    assert mark.status == "presente"  # the duplicate walk-in's presence came after "tarde"
    fixed = {**minor, "guardian_name": "Marta Ortega", "guardian_document": "CC 60111222"}
    assert _sync(client, [fixed]).get_json()["results"][0]["outcome"] == "applied"


def test_an_expired_login_answers_with_the_login_page(client, trainer, today_group):
    response = _sync(client, [_item(today_group["sessions"][0], 1, "presente", trainer)])
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("body, message", [
    ({"device_id": "x", "items": "nada"}, "lista"),
    ({"items": []}, "dispositivo"),
    ([], "objeto"),
])
def test_bad_requests_are_named_in_spanish(client, login, trainer, body, message):
    login(trainer)
    response = client.post("/app/sincronizar", json=body)
    assert response.status_code == 400
    assert message in response.get_json()["message"]


def test_a_mark_for_a_future_session_stays_queued_with_its_reason(client, login, trainer,
                                                                 today_group, db):
    login(trainer)
    today, ahead = today_group["sessions"][:2]
    a = today_group["enrollments"][0]
    results = _sync(client, [_item(ahead, a.id, "presente", trainer),
                             _item(today, a.id, "presente", trainer)]).get_json()["results"]
    assert [r["outcome"] for r in results] == ["refused", "applied"]
    assert "aún no ha ocurrido" in results[0]["message"]
    assert _count(db, OfflineMark) == 1


def _export_file(user, items, device="tel-1", key=None):
    import hashlib
    import hmac
    import io
    import json

    from lms.attendance.offline import device_key

    payload = json.dumps({"format": "lms-pendientes-1", "user_id": user.id,
                          "device_id": device, "items": items})
    key = key or device_key(user.id, device)
    signature = hmac.new(key.encode(), payload.encode(), hashlib.sha256).hexdigest()
    return (io.BytesIO(json.dumps({"payload": payload, "signature": signature}).encode()),
            "pendientes.json")


def test_an_admin_imports_a_signed_export_once(client, login, admin, trainer, today_group, db):
    login(admin)
    session, a = today_group["sessions"][0], today_group["enrollments"][0]
    items = [_item(session, a.id, "presente", trainer)]
    first = client.post("/app/importar", data={"file": _export_file(trainer, items)})
    assert first.status_code == 200 and "Aplicadas: 1" in first.get_data(as_text=True)
    again = client.post("/app/importar", data={"file": _export_file(trainer, items)})
    assert "Aplicadas: 0 · ya recibidas: 1" in again.get_data(as_text=True)
    mark = db.session.scalar(select(Attendance))
    assert mark.marked_by_id == trainer.id and _count(db, Attendance) == 1


@pytest.mark.parametrize("build, message", [
    (lambda t, i: _export_file(t, i, key="otra-clave"), "La firma del archivo no corresponde"),
    (lambda t, i: (__import__("io").BytesIO(b"no es json"), "pendientes.json"),
     "no es una exportación de pendientes válida"),
    (lambda t, i: (__import__("io").BytesIO(b"{}"), "pendientes.csv"), "debe ser el .json"),
])
def test_a_bad_export_file_is_refused_and_changes_nothing(client, login, admin, trainer,
                                                          today_group, db, build, message):
    login(admin)
    session, a = today_group["sessions"][0], today_group["enrollments"][0]
    response = client.post("/app/importar",
                           data={"file": build(trainer, [_item(session, a.id, "tarde", trainer)])})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(db, Attendance) == 0 and _count(db, OfflineMark) == 0


def test_a_trainer_lands_on_the_offline_hoy(client, trainer):
    from tests.factories import PASSWORD

    response = client.post("/login", data={"email": trainer.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/app/hoy")
