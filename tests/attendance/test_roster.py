import re

import pypdfium2 as pdfium
from sqlalchemy import event, select

from lms.attendance.models import Attendance, CheckinRequest
from lms.audit.models import AuditEntry
from lms.courses.models import Enrollment
from lms.extensions import db as _db
from lms.people.models import Consent, Person
from tests import factories


def _url(session, suffix=""):
    return f"/sesiones/{session.id}/asistencia{suffix}"


def test_trainer_sees_own_roster_only(client, login, group, db):
    s = group["sessions"][0]
    login(group["trainer"])
    page = client.get(_url(s))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for e in group["enrollments"]:
        assert e.person.full_name in text
    other = factories.user(role="trainer")
    login(other)
    assert client.get(_url(s)).status_code == 403
    assert client.post(_url(s, "/marcar"),
                       data={"enrollment_id": group["enrollments"][0].id,
                             "status": "presente"}).status_code == 403
    login(factories.user(role="analyst"))
    assert client.get(_url(s)).status_code == 403
    login(factories.user(role="admin"))
    assert client.get(_url(s)).status_code == 200
    assert client.get("/sesiones/999999/asistencia").status_code == 404


def test_one_tap_marks_via_json_and_audits_with_source(client, login, group, db):
    s, e = group["sessions"][0], group["enrollments"][0]
    login(group["trainer"])
    r = client.post(_url(s, "/marcar"), data={"enrollment_id": e.id, "status": "presente"},
                    headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.json["ok"] and r.json["hours_credited"] == "4.00"
    mark = db.session.scalar(select(Attendance).where(Attendance.enrollment_id == e.id))
    assert (mark.status, mark.source, mark.marked_by_id) == ("presente", "web",
                                                             group["trainer"].id)
    r = client.post(_url(s, "/marcar"), data={"enrollment_id": e.id, "status": "ausente"},
                    headers={"Accept": "application/json"})
    assert r.json["hours_credited"] == "0.00"
    entries = db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "attendance", AuditEntry.entity_id == mark.id)
        .order_by(AuditEntry.id)).all()
    assert [x.action for x in entries] == ["create", "update"]
    assert entries[1].changes["status"] == ["presente", "ausente"]
    assert entries[1].changes["source"] == ["web", "web"]
    assert entries[1].actor_id == group["trainer"].id
    # Same status again: nothing written, nothing audited.
    client.post(_url(s, "/marcar"), data={"enrollment_id": e.id, "status": "ausente"},
                headers={"Accept": "application/json"})
    assert db.session.scalar(select(_db.func.count(AuditEntry.id)).where(
        AuditEntry.entity == "attendance")) == 2
    assert db.session.scalar(select(_db.func.count(Attendance.id))) == 1


def test_plain_form_post_works_without_js(client, login, group, db):
    s, e = group["sessions"][0], group["enrollments"][1]
    login(group["trainer"])
    r = client.post(_url(s, "/marcar"), data={"enrollment_id": e.id, "status": "tarde"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"#e{e.id}")
    page = client.get(_url(s)).get_data(as_text=True)
    assert 'data-status="tarde"' in page and 'aria-pressed="true"' in page


def test_bad_marks_are_refused(client, login, group, db):
    s = group["sessions"][0]
    login(group["trainer"])
    stranger = factories.enrollment()  # another cohort
    r = client.post(_url(s, "/marcar"), data={"enrollment_id": stranger.id, "status": "presente"},
                    headers={"Accept": "application/json"})
    assert r.status_code == 422 and "no está inscrita" in r.json["message"]
    r = client.post(_url(s, "/marcar"),
                    data={"enrollment_id": group["enrollments"][0].id, "status": "feliz"},
                    headers={"Accept": "application/json"})
    assert r.status_code == 422
    assert db.session.scalar(select(_db.func.count(Attendance.id))) == 0


def test_search_filters_by_document_or_name(client, login, group, db):
    s = group["sessions"][0]
    a, b = group["enrollments"][0].person, group["enrollments"][1].person
    login(group["trainer"])
    page = client.post(_url(s), data={"q": a.document_number}).get_data(as_text=True)
    assert a.full_name in page and b.full_name not in page
    page = client.post(_url(s), data={"q": b.last_names.lower()}).get_data(as_text=True)
    assert b.full_name in page and a.full_name not in page
    # The search form posts; a query string filters nothing (no documents in URLs).
    assert 'method="post" role="search"' in page
    page = client.get(_url(s) + f"?q={a.document_number}").get_data(as_text=True)
    assert a.full_name in page and b.full_name in page


def test_search_ignores_separators_and_accents(client, login, group, db):
    s = group["sessions"][0]
    a, b = group["enrollments"][0].person, group["enrollments"][1].person
    a.document_number, a.first_names, a.last_names = "1090111222", "José Ángel", "Pérez"
    db.session.commit()
    login(group["trainer"])
    for query in ("1.090.111-222", "090 111", "jose angel", "PEREZ", "Pérez"):
        page = client.post(_url(s), data={"q": query}).get_data(as_text=True)
        assert a.full_name in page and b.full_name not in page, query
        assert 'id="roster-empty" class="text-body-secondary" hidden' in page


def test_unmatched_document_search_prefills_the_walk_in(client, login, group, db):
    s = group["sessions"][0]
    login(group["trainer"])
    page = client.post(_url(s), data={"q": "1.092.333-444"}).get_data(as_text=True)
    assert not any(e.person.full_name in page for e in group["enrollments"])
    assert re.search(r'<input[^>]*name="document_number"[^>]*value="1092333444"', page)
    page = client.post(_url(s), data={"q": "nadie"}).get_data(as_text=True)
    assert not re.search(r'<input[^>]*name="document_number"[^>]*value="[^"]', page)


def test_roster_of_40_runs_constant_queries(client, login, db, trainer):
    cohort = factories.cohort(trainers=[trainer])
    session = factories.session(cohort)
    login(trainer)

    def count_queries():
        statements = []

        def listener(conn, cursor, statement, *args):
            statements.append(statement)

        _db.session.expire_all()  # as in a real request: nothing cached
        event.listen(_db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(_url(session)).status_code == 200
        finally:
            event.remove(_db.engine, "before_cursor_execute", listener)
        return len([s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE"))])

    for _ in range(5):
        factories.enrollment(cohort)
    small = count_queries()
    for _ in range(35):
        e = factories.enrollment(cohort)
        _db.session.add(Attendance(session_id=session.id, enrollment_id=e.id, status="presente",
                                   source="web"))
    _db.session.flush()
    large = count_queries()
    assert large == small
    assert large <= 10


def test_walk_in_known_person_is_enrolled_and_marked(client, login, group, db):
    s = group["sessions"][0]
    person = factories.person()
    login(group["trainer"])
    doc = {"document_type": "CC", "document_number": person.document_number}
    # The lookup tells only "registered": never whose the document is.
    info = client.post(_url(s, "/buscar"), data=doc).json
    assert info["state"] == "registered"
    assert person.first_names not in str(info) and person.last_names not in str(info)
    assert client.get(_url(s, "/buscar"), query_string=doc).status_code == 405
    # The trainer asks the person's birth year on the spot: a wrong one enrolls nobody.
    for year, message in ((None, "pregunte a la persona su año"),
                          (person.birth_date.year + 1, "no coincide")):
        data = {**doc, "birth_year": year} if year else doc
        r = client.post(_url(s, "/ingreso"), data=data, headers={"Accept": "application/json"})
        assert r.status_code == 422 and message in r.json["errors"]["birth_year"][0]
        assert person.full_name not in r.get_data(as_text=True)
        page = client.post(_url(s, "/ingreso"), data=data)  # without JS: the form again
        assert page.status_code == 422 and person.full_name not in page.get_data(as_text=True)
    assert db.session.scalar(select(Enrollment).where(Enrollment.person_id == person.id)) is None
    r = client.post(_url(s, "/ingreso"), data={**doc, "birth_year": person.birth_date.year},
                    headers={"Accept": "application/json"})
    assert r.status_code == 200 and person.full_name in r.json["html"]
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.person_id == person.id))
    assert enrollment.cohort_id == group["cohort"].id
    mark = db.session.scalar(select(Attendance).where(Attendance.enrollment_id == enrollment.id))
    assert mark.status == "presente" and mark.source == "web"
    info = client.post(_url(s, "/buscar"), data=doc).json
    assert info == {**info, "state": "enrolled", "enrollment_id": enrollment.id}


def test_walk_in_new_person_needs_data_and_consent(client, login, group, db):
    s = group["sessions"][0]
    login(group["trainer"])
    base = {"document_type": "PPT", "document_number": "ab-123.456"}
    info = client.post(_url(s, "/buscar"), data=base).json
    assert info["state"] == "unknown" and info["document_number"] == "AB123456"
    r = client.post(_url(s, "/ingreso"), data=base, headers={"Accept": "application/json"})
    assert r.status_code == 422 and "first_names" in r.json["errors"]
    data = {**base, "first_names": "Yorgelis", "last_names": "Pérez Rangel",
            "birth_date": "1995-03-04", "sex": "F", "zone": "urbana"}
    r = client.post(_url(s, "/ingreso"), data=data, headers={"Accept": "application/json"})
    assert r.status_code == 422 and "consent" in r.json["errors"]
    assert db.session.scalar(select(Person).where(Person.document_number == "AB123456")) is None
    # Without JS: the page comes back with the input kept and the error next to the field.
    page = client.post(_url(s, "/ingreso"), data=data)
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "Pérez Rangel" in html and "Ley 1581" in html
    r = client.post(_url(s, "/ingreso"), data={**data, "consent": "y"},
                    headers={"Accept": "application/json"})
    assert r.status_code == 200, r.json
    person = db.session.scalar(select(Person).where(Person.document_number == "AB123456"))
    consent = db.session.scalar(select(Consent).where(Consent.person_id == person.id))
    assert consent.channel == "form" and consent.recorded_by_id == group["trainer"].id


def test_walk_in_minor_needs_guardian(client, login, group, db):
    s = group["sessions"][0]
    login(group["trainer"])
    data = {"document_type": "TI", "document_number": "1092345678", "first_names": "Luis",
            "last_names": "Gómez", "birth_date": "2012-05-06", "sex": "M", "zone": "rural",
            "consent": "y"}
    r = client.post(_url(s, "/ingreso"), data=data, headers={"Accept": "application/json"})
    assert r.status_code == 422 and "guardian_name" in r.json["errors"]
    r = client.post(_url(s, "/ingreso"), data={**data, "guardian_name": "Ana Gómez",
                                               "guardian_document": "CC 60.111.222"},
                    headers={"Accept": "application/json"})
    assert r.status_code == 200


def test_confirm_and_reject_queued_checkins(client, login, group, db):
    s = group["sessions"][0]
    known = factories.person()
    ok = CheckinRequest(session_id=s.id, document_type="CC", document_number=known.document_number)
    bad = CheckinRequest(session_id=s.id, document_type="CC", document_number="999888777")
    db.session.add_all([ok, bad])
    db.session.flush()
    login(group["trainer"])
    page = client.get(_url(s)).get_data(as_text=True)
    assert known.document_number in page and "999888777" in page
    doc = {"document_type": "CC", "document_number": known.document_number}
    # Confirming a registered document asks for the person's birth year first.
    r = client.post(_url(s, "/ingreso"), data=doc)
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "pregunte a la persona su año de nacimiento" in html
    assert known.full_name not in html and 'id="walkin"' in html
    assert db.session.get(CheckinRequest, ok.id).status == "pending"
    r = client.post(_url(s, "/ingreso"), data={**doc, "birth_year": known.birth_date.year})
    assert r.status_code == 302
    assert db.session.get(CheckinRequest, ok.id).status == "confirmed"
    r = client.post(f"/sesiones/{s.id}/solicitudes/{bad.id}/rechazar")
    assert r.status_code == 302
    assert db.session.get(CheckinRequest, bad.id).status == "rejected"
    other = factories.user(role="trainer")
    login(other)
    assert client.post(f"/sesiones/{s.id}/solicitudes/{bad.id}/rechazar").status_code == 403


def test_today_lists_my_sessions(client, login, db, trainer):
    from lms.timeutil import local_today

    mine = factories.cohort(trainers=[trainer], start_date=local_today(), end_date=local_today())
    s = factories.session(mine, day=local_today())
    factories.session(factories.cohort(start_date=local_today(), end_date=local_today()),
                      day=local_today())
    login(trainer)
    page = client.get("/asistencia/hoy").get_data(as_text=True)
    assert f"/sesiones/{s.id}/asistencia" in page
    assert page.count("/asistencia\"") == 1


def test_planilla_pdf(client, login, group, db):
    s = group["sessions"][0]
    person = group["enrollments"][0].person
    person.first_names, person.zone = "María Fernanda de los Ángeles del Socorro", "urbana"
    db.session.commit()
    login(group["trainer"])
    r = client.get(f"/sesiones/{s.id}/planilla.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.data.startswith(b"%PDF")
    pdf = pdfium.PdfDocument(r.data)
    page = pdf[0]
    text = page.get_textpage()
    width, _height = page.get_size()
    words = "".join(text.get_text_range().split())
    # The import's two guardian columns, by their exact names (headers may wrap at "_").
    assert "acudiente_nombre" in words and "acudiente_documento" in words
    assert "menores)" not in words
    # Long names wrap inside their cell (issue 15 part 8) and never cross the margins.
    assert "urbana" in words and "MaríaFernanda" in words and "Socorro" in words
    margin = 10 * 72 / 25.4 - 0.5  # 10 mm, in points
    boxes = [text.get_charbox(i) for i in range(text.count_chars())]
    assert len(pdf) == 1 and all(margin <= b[0] and b[2] <= width - margin for b in boxes)
    login(factories.user(role="trainer"))
    assert client.get(f"/sesiones/{s.id}/planilla.pdf").status_code == 403
