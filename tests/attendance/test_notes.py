"""A short note on a mark: roster, API, offline sync, planilla, export and anonymisation."""

import io
import json
import uuid
from datetime import timedelta

from sqlalchemy import select

from lms.attendance.models import Attendance
from lms.audit.models import AuditEntry
from lms.auth.services import create_token
from lms.timeutil import local_today, utcnow
from tests import factories

LATE = "Llegó tarde por el transporte"


def _url(session, suffix=""):
    return f"/sesiones/{session.id}/asistencia{suffix}"


def _mark_of(db, session, enrollment):
    db.session.expire_all()
    return db.session.scalar(select(Attendance).where(
        Attendance.session_id == session.id, Attendance.enrollment_id == enrollment.id))


def _audits(db, row_id):
    return db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "attendance", AuditEntry.entity_id == row_id)
        .order_by(AuditEntry.id)).all()


def test_roster_note_is_saved_audited_shown_and_cleared(client, login, group, db):
    s, e = group["sessions"][0], group["enrollments"][0]
    login(group["trainer"])
    refused = client.post(_url(s, "/nota"), data={"enrollment_id": e.id, "note": LATE},
                          headers={"Accept": "application/json"})
    assert refused.status_code == 422 and "Marque primero" in refused.json["message"]
    assert _mark_of(db, s, e) is None
    client.post(_url(s, "/marcar"), data={"enrollment_id": e.id, "status": "tarde"})
    r = client.post(_url(s, "/nota"), data={"enrollment_id": e.id, "note": f"  {LATE}\n "},
                    headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.json == {"ok": True, "note": LATE}
    row = _mark_of(db, s, e)
    assert (row.status, row.note) == ("tarde", LATE)
    assert _audits(db, row.id)[-1].changes["note"] == [None, LATE]
    page = client.get(_url(s)).get_data(as_text=True)
    assert f'value="{LATE}"' in page and "No escriba datos personales" in page
    # Changing the status keeps the note; a plain form POST clears it and redirects.
    client.post(_url(s, "/marcar"), data={"enrollment_id": e.id, "status": "presente"})
    assert _mark_of(db, s, e).note == LATE
    r = client.post(_url(s, "/nota"), data={"enrollment_id": e.id, "note": ""})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"#e{e.id}")
    assert _mark_of(db, s, e).note is None


def test_a_long_note_is_refused_in_spanish_and_nothing_changes(client, login, group, db):
    s, e = group["sessions"][0], group["enrollments"][0]
    login(group["trainer"])
    client.post(_url(s, "/marcar"), data={"enrollment_id": e.id, "status": "presente"})
    r = client.post(_url(s, "/nota"), data={"enrollment_id": e.id, "note": "x" * 201},
                    headers={"Accept": "application/json"})
    assert r.status_code == 422
    assert r.json["message"] == "La nota admite hasta 200 caracteres; tiene 201."
    assert _mark_of(db, s, e).note is None
    login(factories.user(role="trainer"))
    assert client.post(_url(s, "/nota"), data={"enrollment_id": e.id,
                                              "note": "x"}).status_code == 403


def _auth(user):
    return {"Authorization": f"Bearer {create_token(user, 'pruebas')}"}


def _api_item(enrollment, mark_id, status="presente", **extra):
    p = enrollment.person
    return {"document_type": p.document_type, "document_number": p.document_number,
            "status": status, "mark_id": mark_id, **extra}


def test_api_sets_keeps_and_clears_notes(client, db, group):
    s, (a, b, _c) = group["sessions"][0], group["enrollments"]
    headers, url = _auth(group["trainer"]), f"/api/v1/sessions/{s.id}/attendance"
    r = client.put(url, json=[_api_item(a, "n-1", note=LATE), _api_item(b, "n-2")],
                   headers=headers)
    assert r.status_code == 200 and r.json["created"] == 2
    items = {i["enrollment_id"]: i for i in client.get(
        f"/api/v1/sessions/{s.id}/roster", headers=headers).json["items"]}
    assert (items[a.id]["note"], items[b.id]["note"]) == (LATE, None)
    # No "note" key keeps the note; "" clears it; a note alone is a change.
    client.put(url, json=[_api_item(a, "n-3", "tarde")], headers=headers)
    assert _mark_of(db, s, a).note == LATE
    r = client.put(url, json=[_api_item(b, "n-4", note="Trajo su propio equipo")],
                   headers=headers)
    assert r.json["updated"] == 1 and _mark_of(db, s, b).note == "Trajo su propio equipo"
    client.put(url, json=[_api_item(a, "n-5", "tarde", note="")], headers=headers)
    assert _mark_of(db, s, a).note is None
    bad = client.put(url, json=[_api_item(a, "n-6", note="y" * 300)], headers=headers)
    assert bad.status_code == 422
    assert bad.json["fields"] == {"items[0].note": [
        "La nota admite hasta 200 caracteres; tiene 300."]}
    spec = client.get("/api/v1/openapi.json").json
    assert "note" in json.dumps(spec["paths"][
        "/api/v1/sessions/{session_id}/attendance"]["put"]["requestBody"])


def _offline(session, enrollment, user, status, minutes=0, **extra):
    made = utcnow() - timedelta(minutes=30) + timedelta(minutes=minutes)
    return {"mark_id": str(uuid.uuid4()), "device_id": "tel-1", "user_id": user.id,
            "kind": "mark", "session_id": session.id, "enrollment_id": enrollment.id,
            "status": status, "made_at": made.isoformat() + "Z", "base": None, **extra}


def _today_group(db, trainer):
    cohort = factories.cohort(trainers=[trainer])
    session = factories.session(cohort, day=local_today(), hours="4")
    people = [factories.enrollment(cohort) for _ in range(2)]
    db.session.commit()
    return session, people


def test_an_offline_note_arrives_once_and_a_replay_adds_nothing(client, login, trainer, db):
    session, (a, b) = _today_group(db, trainer)
    login(trainer)
    items = [_offline(session, a, trainer, "tarde"),
             _offline(session, a, trainer, "tarde", minutes=2, note=LATE),
             _offline(session, b, trainer, "presente", note="x" * 201)]
    results = client.post("/app/sincronizar", json={"device_id": "tel-1", "items": items}
                          ).get_json()["results"]
    assert [r["outcome"] for r in results] == ["applied", "applied", "refused"]
    assert "200 caracteres" in results[2]["message"]
    row = _mark_of(db, session, a)
    assert (row.status, row.note) == ("tarde", LATE)
    assert row.marked_at.isoformat() == items[1]["made_at"].removesuffix("Z")
    # Two marks of one person in one batch are written once, the last one with its note.
    assert [(e.action, e.changes.get("note")) for e in _audits(db, row.id)] == [
        ("create", [None, LATE])]
    count = db.session.query(AuditEntry).count()
    again = client.post("/app/sincronizar", json={"device_id": "tel-1", "items": items[:2]}
                        ).get_json()["results"]
    assert [r["outcome"] for r in again] == ["replay", "replay"]
    assert db.session.query(AuditEntry).count() == count
    assert _mark_of(db, session, b) is None
    bundle = client.get("/app/datos.json?device=tel-1").get_json()
    roster = {r["enrollment_id"]: r for r in bundle["sessions"][0]["roster"]}
    assert roster[a.id]["note"] == LATE


def test_a_note_in_conflict_follows_the_rule_and_is_audited(client, login, trainer, db):
    session, (a, b) = _today_group(db, trainer)
    other = factories.user(role="trainer")
    db.session.add_all([
        Attendance(session_id=session.id, enrollment_id=e.id, status="tarde", source="web",
                   marked_by_id=other.id, note="Nota del servidor",
                   marked_at=utcnow() - timedelta(minutes=20)) for e in (a, b)])
    db.session.commit()
    login(trainer)
    older = _offline(session, a, trainer, "tarde", minutes=0, note="Nota vieja")
    newer = _offline(session, b, trainer, "tarde", minutes=25, note="Nota nueva")
    results = client.post("/app/sincronizar", json={"device_id": "tel-1",
                                                    "items": [older, newer]}
                          ).get_json()["results"]
    assert [r["outcome"] for r in results] == ["kept", "applied"]
    assert results[1]["conflict"]["server_note"] == "Nota del servidor"
    assert results[1]["conflict"]["device_note"] == "Nota nueva"
    assert (_mark_of(db, session, a).note, _mark_of(db, session, b).note) == (
        "Nota del servidor", "Nota nueva")
    conflicts = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "conflict")
                                   .order_by(AuditEntry.id)).all()
    assert [c.changes["note"] for c in conflicts] == [["Nota del servidor", "Nota vieja"],
                                                     ["Nota del servidor", "Nota nueva"]]


def test_planilla_nota_column_sets_notes_and_an_empty_cell_keeps_them(client, login, admin,
                                                                       db, group):
    s, (a, b, _c) = group["sessions"][0], group["enrollments"]
    cohort = group["cohort"]
    login(admin)
    header = ("curso,grupo,sede,fecha,horas,tipo_documento,numero_documento,nombres,"
              "apellidos,sexo,fecha_nacimiento,zona,estado,autorizacion_datos,nota")

    def line(e, status, note):
        p = e.person
        return (f"{cohort.course.code},{cohort.code},{cohort.site.code},{s.date.isoformat()},"
                f"{s.hours},{p.document_type},{p.document_number},{p.first_names},"
                f"{p.last_names},,,,{status},,{note}")

    def upload(*lines):
        text = "\n".join([header, *lines]) + "\n"
        return client.post("/planillas/importar",
                           data={"file": (io.BytesIO(text.encode()), "p.csv")},
                           content_type="multipart/form-data")

    assert upload(line(a, "T", LATE), line(b, "P", "")).status_code == 200
    assert (_mark_of(db, s, a).note, _mark_of(db, s, b).note) == (LATE, None)
    upload(line(a, "T", ""))  # an empty cell keeps the note typed earlier
    assert _mark_of(db, s, a).note == LATE
    bad = upload(line(a, "T", "z" * 250))
    assert bad.status_code == 422
    assert "columna nota: La nota admite hasta 200 caracteres" in bad.get_data(as_text=True)
    assert _mark_of(db, s, a).note == LATE


def test_export_shows_notes_and_anonymising_clears_them_and_their_audit(client, login, admin,
                                                                         group, db):
    s, e = group["sessions"][0], group["enrollments"][0]
    login(group["trainer"])
    client.post(_url(s, "/marcar"), data={"enrollment_id": e.id, "status": "tarde"})
    client.post(_url(s, "/nota"), data={"enrollment_id": e.id, "note": LATE})
    login(admin)
    person = e.person
    data = client.get(f"/personas/{person.id}/exportar.json").get_json()
    assert data["attendance"][0]["note"] == LATE
    assert client.post(f"/personas/{person.id}/anonimizar",
                       data={"confirm": "y"}).status_code == 302
    row = _mark_of(db, s, e)
    assert (row.status, row.note) == ("tarde", None)
    trail = json.dumps([a.changes for a in _audits(db, row.id)], ensure_ascii=False)
    assert LATE not in trail and "[anonimizado]" in trail
