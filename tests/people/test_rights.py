"""Ley 1581 rights and record hygiene: export, anonymise, merge — from the UI and the CLI."""

import json
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from lms.attendance.models import Attendance
from lms.audit.models import AuditEntry
from lms.courses.models import Enrollment
from lms.people import services
from lms.people.models import Person, PersonSensitive, age_group
from lms.people.signals import people_merged, person_anonymized
from tests import factories


def _mark(enrollment, session, status="presente"):
    row = Attendance(session=session, enrollment=enrollment, status=status, source="web")
    factories.db.session.add(row)
    factories.db.session.flush()
    return row


def _marks(db, enrollment_id):
    return db.session.scalars(
        select(Attendance).where(Attendance.enrollment_id == enrollment_id)
    ).all()


def test_export_contains_everything_about_the_person(client, login, admin, db):
    login(admin)
    person = factories.person(phone="3001112233")
    db.session.add(PersonSensitive(person=person, victim=True))
    enrollment = factories.enrollment(person_=person, hours_credited=Decimal("4"))
    session = factories.session(enrollment.cohort)
    _mark(enrollment, session)
    response = client.get(f"/personas/{person.id}/exportar.json")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.data)
    assert data["person"]["document_number"] == person.document_number
    assert data["person"]["phone"] == "3001112233"
    assert data["sensitive"]["victim"] is True
    assert data["consents"][0]["channel"] == "form"
    assert data["enrollments"][0]["cohort"] == enrollment.cohort.code
    assert data["enrollments"][0]["hours_credited"] == 4
    assert data["attendance"][0]["status"] == "presente"
    assert data["attendance"][0]["session_date"] == session.date.isoformat()
    assert data["certificates"] == []
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert (entry.entity_id, entry.actor_id) == (person.id, admin.id)


def test_anonymise_removes_identity_and_keeps_counts(client, login, admin, db):
    login(admin)
    person = factories.person(
        first_names="Carlos",
        last_names="Ibáñez",
        phone="3205556677",
        email="c@example.org",
        birth_date=date(1970, 9, 23),
        barrio="La Libertad",
        area="Comuna 4",
    )
    db.session.add(PersonSensitive(person=person, migrant=True))
    person.consents[0].guardian_name = "Tutor"
    enrollment = factories.enrollment(person_=person, completed_on=date(2021, 5, 2))
    _mark(enrollment, factories.session(enrollment.cohort))
    client.post(f"/personas/{person.id}/editar", data={})  # leaves a failed attempt only
    person.phone = "3205556678"
    db.session.flush()  # an audited change carrying old and new personal values
    received = []
    with person_anonymized.connected_to(lambda sender: received.append(sender.id)):
        response = client.post(f"/personas/{person.id}/anonimizar", data={"confirm": "y"})
    assert response.status_code == 302
    assert received == [person.id]
    db.session.expire_all()
    person = db.session.get(Person, person.id)
    assert person.full_name == "Persona anonimizada"
    assert person.document_number == f"ANON-{person.id}" and person.document_type == "CC"
    assert (person.phone, person.email, person.barrio) == (None, None, None)
    assert person.birth_date == date(1970, 1, 1)
    assert (person.sex, person.zone, person.area) == ("F", "urbana", "Comuna 4")
    assert person.sensitive.migrant is True
    assert person.consents[0].guardian_name is None and person.consents[0].revoked_at
    kept = db.session.get(Enrollment, enrollment.id)
    assert kept.completed_on == date(2021, 5, 2) and len(_marks(db, kept.id)) == 1
    trail = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "people", AuditEntry.entity_id == person.id)
    ).all()
    text = json.dumps([e.changes for e in trail], ensure_ascii=False)
    for secret in ("Carlos", "Ibáñez", "3205556677", "3205556678", "c@example.org", "1970-09-23"):
        assert secret not in text
    assert "anonymize" in {e.action for e in trail}
    html = client.get(f"/personas/{person.id}").text
    assert "Persona anonimizada" in html and "Carlos" not in html
    again = client.post(f"/personas/{person.id}/anonimizar", data={"confirm": "y"})
    assert "ya fue anonimizada" in again.text


def test_merge_moves_enrollments_and_attendance(client, login, admin, db):
    login(admin)
    survivor = factories.person(document_number="1090000001", email=None)
    duplicate = factories.person(document_number="109000000", email="dup@example.org")
    db.session.add(PersonSensitive(person=duplicate, disability=True))
    shared = factories.cohort()
    s1, s2, s3 = (factories.session(shared, day=date(2021, 2, d)) for d in (1, 2, 3))
    mine = factories.enrollment(shared, survivor, hours_credited=Decimal("4"))
    theirs = factories.enrollment(shared, duplicate, hours_credited=Decimal("5"))
    _mark(mine, s1)
    _mark(theirs, s1, "ausente")
    _mark(theirs, s2)
    _mark(theirs, s3)
    only_theirs = factories.enrollment(person_=duplicate)
    _mark(only_theirs, factories.session(only_theirs.cohort))
    mine_id, theirs_id = mine.id, theirs.id
    received = []
    def listener(sender, merged_id, enrollment_ids):
        received.append((sender.id, merged_id, enrollment_ids))

    with people_merged.connected_to(listener):
        response = client.post(
            f"/personas/{survivor.id}/fusionar",
            data={"duplicate_id": duplicate.id, "confirm_document": survivor.document_number},
        )
    assert response.status_code == 302
    dup_id = duplicate.id
    assert received == [(survivor.id, dup_id, [theirs_id])]
    db.session.expire_all()
    assert db.session.get(Person, dup_id) is None
    enrollments = db.session.scalars(
        select(Enrollment).where(Enrollment.person_id == survivor.id)
    ).all()
    assert {e.id for e in enrollments} == {theirs.id, only_theirs.id}
    # The kept enrollment (more hours) keeps its own mark where both had one.
    marks = {m.session_id: m.status for m in _marks(db, theirs.id)}
    assert marks == {s1.id: "ausente", s2.id: "presente", s3.id: "presente"}
    # Recomputed by the completion rule from the pooled marks (the stored 8 h was a guess).
    assert db.session.get(Enrollment, theirs_id).hours_credited == Decimal("8.00")
    assert len(_marks(db, only_theirs.id)) == 1
    assert db.session.get(Enrollment, mine_id) is None
    survivor = db.session.get(Person, survivor.id)
    assert survivor.email == "dup@example.org" and survivor.sensitive.disability is True
    assert len(survivor.consents) == 2
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "merge")).one()
    assert entry.entity_id == survivor.id and entry.actor_id == admin.id
    assert entry.changes["survivor_id"] == survivor.id and entry.changes["merged_id"] == dup_id
    assert entry.changes["enrollments_joined"] == [{"kept": theirs_id, "removed": mine_id}]


def test_merge_keeps_survivor_enrollment_with_more_hours(client, login, admin, db):
    login(admin)
    survivor, duplicate = factories.person(), factories.person()
    cohort = factories.cohort()
    session = factories.session(cohort)
    mine = factories.enrollment(cohort, survivor, hours_credited=Decimal("8"))
    theirs = factories.enrollment(cohort, duplicate, hours_credited=Decimal("0"))
    _mark(theirs, session)
    theirs_id = theirs.id
    client.post(f"/personas/{survivor.id}/fusionar", data={"duplicate_id": duplicate.id,
                                                  "confirm_document": survivor.document_number})
    db.session.expire_all()
    assert db.session.get(Enrollment, theirs_id) is None
    assert [m.session_id for m in _marks(db, mine.id)] == [session.id]
    # Recomputed by the completion rule from the marks it now holds (one 4-hour session).
    assert db.session.get(Enrollment, mine.id).hours_credited == Decimal("4")


def test_merge_with_itself_or_missing_is_refused(client, login, admin, db):
    login(admin)
    person = factories.person()
    same = client.post(f"/personas/{person.id}/fusionar", data={"duplicate_id": person.id})
    assert "Elija dos registros distintos." in same.text
    missing = client.post(f"/personas/{person.id}/fusionar", data={"duplicate_id": 999999})
    assert "El registro duplicado no existe." in missing.text
    assert db.session.get(Person, person.id) is not None


def test_enroll_and_status_actions_on_person_page(client, login, admin, db):
    login(admin)
    person = factories.person()
    cohort = factories.cohort()
    page = client.get(f"/personas/{person.id}?grupo={cohort.id}").text
    assert "Inscribir en grupo" in page
    assert f'<option selected value="{cohort.id}">' in page
    client.post(f"/personas/{person.id}/inscribir", data={"cohort_id": cohort.id})
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.person_id == person.id))
    assert enrollment.cohort_id == cohort.id
    again = client.post(
        f"/personas/{person.id}/inscribir", data={"cohort_id": cohort.id}, follow_redirects=True
    )
    assert "ya tiene una inscripción en el grupo" in again.text
    client.post(f"/personas/inscripciones/{enrollment.id}/estado", data={"status": "en_curso"})
    assert enrollment.status == "en_curso"
    bad = client.post(
        f"/personas/inscripciones/{enrollment.id}/estado",
        data={"status": "completo"},
        follow_redirects=True,
    )
    assert "Estado no válido" in bad.text and enrollment.status == "en_curso"


def test_revoked_consent_blocks_new_enrollments(client, login, admin, db):
    login(admin)
    person = factories.person()
    client.post(f"/personas/{person.id}/revocar", data={"confirm": "y"})
    assert person.consents[0].revoked_at is not None
    response = client.post(
        f"/personas/{person.id}/inscribir",
        data={"cohort_id": factories.cohort().id},
        follow_redirects=True,
    )
    assert "autorización de tratamiento de datos vigente" in response.text
    assert not services.has_valid_consent(person)


def test_new_authorization_after_revoking_lets_the_person_enroll_again(client, login, admin, db):
    login(admin)
    person = factories.person(birth_date=date(2010, 3, 1), document_type="TI")
    client.post(f"/personas/{person.id}/revocar", data={"confirm": "y"})
    page = client.get(f"/personas/{person.id}").text
    assert f"/personas/{person.id}/autorizacion" in page
    form = client.get(f"/personas/{person.id}/autorizacion").text
    version = services.current_notice().version
    assert f'name="notice_version" type="hidden" value="{version}"' in form
    # A minor: the guardian is required, the input is kept, nothing is written.
    refused = client.post(
        f"/personas/{person.id}/autorizacion",
        data={"notice_version": version, "channel": "planilla", "consent": "y",
              "guardian_name": "Rosa Díaz"},
    )
    assert "documento del acudiente" in refused.text and 'value="Rosa Díaz"' in refused.text
    assert not services.has_valid_consent(person)
    # A notice published after the page was shown is not the one the person read.
    stale = client.post(
        f"/personas/{person.id}/autorizacion",
        data={"notice_version": "1999-01", "channel": "planilla", "consent": "y",
              "guardian_name": "Rosa Díaz", "guardian_document": "CC 60.123.456"},
    )
    assert "El aviso de privacidad cambió" in stale.text
    assert not services.has_valid_consent(person)
    done = client.post(
        f"/personas/{person.id}/autorizacion",
        data={"notice_version": version, "channel": "planilla", "consent": "y",
              "guardian_name": "Rosa Díaz", "guardian_document": "CC 60.123.456"},
    )
    assert done.status_code == 302
    latest = max(person.consents, key=lambda c: c.id)
    assert (latest.channel, latest.guardian_document, latest.revoked_at) == (
        "planilla", "CC 60123456", None)
    assert latest.recorded_by_id == admin.id and latest.notice.version == version
    response = client.post(
        f"/personas/{person.id}/inscribir", data={"cohort_id": factories.cohort().id}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Enrollment).where(Enrollment.person_id == person.id))


def test_cli_export_anonymise_and_merge(runner, admin, db):
    person = factories.person(document_type="PPT", document_number="XY123456")
    result = runner.invoke(args=["lms", "export-person", "ppt", "xy-123.456"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["person"]["document_number"] == "XY123456"
    unknown = runner.invoke(args=["lms", "export-person", "CC", "999999"])
    assert unknown.exit_code != 0 and "No existe una persona" in unknown.output
    survivor = factories.person(document_number="20202020")
    enrollment = factories.enrollment(person_=person)
    result = runner.invoke(
        args=[
            "lms",
            "merge-people",
            "CC",
            "20202020",
            "PPT",
            "XY123456",
            "--yes",
            "--actor",
            admin.email,
        ]
    )
    assert result.exit_code == 0, result.output
    assert "1 inscripción trasladada" in result.output
    assert db.session.get(Enrollment, enrollment.id).person_id == survivor.id
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "merge")).one()
    assert entry.actor_id == admin.id
    result = runner.invoke(args=["lms", "anonymize-person", "CC", "20202020", "--yes"])
    assert result.exit_code == 0, result.output
    assert db.session.get(Person, survivor.id).document_number == f"ANON-{survivor.id}"
    again = runner.invoke(args=["lms", "anonymize-person", "CC", f"ANON{survivor.id}", "--yes"])
    assert again.exit_code != 0


def test_cli_seed_people_is_idempotent(runner, db):
    first = runner.invoke(args=["lms", "seed-people"])
    second = runner.invoke(args=["lms", "seed-people"])
    assert "creados: 20" in first.output and "creados: 0" in second.output
    assert "2024-01" in second.output


def test_age_group_counts_whole_years_like_the_indicators():
    # The same boundaries as the indicators' SQL (see tests/indicators/test_api.py).
    for birth, day, group in (
        (date(2003, 5, 10), date(2021, 5, 9), "<18"),
        (date(2003, 5, 10), date(2021, 5, 10), "18-28"),
        (date(1992, 7, 1), date(2021, 6, 30), "18-28"),
        (date(1992, 7, 1), date(2021, 7, 1), "29-59"),
        (date(1961, 12, 31), date(2021, 12, 30), "29-59"),
        (date(1961, 12, 31), date(2021, 12, 31), "60+"),
        (date(2004, 2, 29), date(2022, 2, 28), "<18"),
        (date(2004, 2, 29), date(2022, 3, 1), "18-28"),
    ):
        assert age_group(birth, day) == group, (birth, day)
