"""After the launch, inside the frame: the instructor's cohort, the learner's own record."""

from datetime import date

from sqlalchemy import select

from lms.auth.models import User
from lms.courses.models import Cohort
from lms.lti.models import Account, Context
from tests import factories
from tests.lti.conftest import launch


def _lti_trainer(db):
    return db.session.scalar(select(User).join(Account, Account.user_id == User.id))


def test_first_instructor_launch_creates_a_cohort_from_the_catalog(client, db, registered):
    course, site = factories.course(), factories.site()
    response = launch(client, registered, "profe")
    assert client.get(response.headers["Location"]).headers["Location"].endswith("/lti/enlazar")
    page = client.get("/lti/enlazar")
    assert page.status_code == 200 and "Alfabetización digital 2026" in page.get_data(as_text=True)
    created = client.post("/lti/enlazar", data={
        "new-code": "LMS-01", "new-course_id": course.id, "new-site_id": site.id,
        "new-start_date": "2026-02-01", "new-end_date": "2026-06-30", "new-capacity": 25,
        "new-modality": "virtual"})
    assert created.status_code == 302, created.get_data(as_text=True)
    cohort = db.session.scalar(select(Cohort).where(Cohort.code == "LMS-01"))
    assert cohort.trainers == [_lti_trainer(db)]
    assert db.session.scalar(select(Context.cohort_id)) == cohort.id
    # The cohort and its roster open inside the frame, framed by the platform only.
    session = factories.session(cohort, day=date(2026, 2, 2))
    roster = client.get(f"/sesiones/{session.id}/asistencia")
    assert roster.status_code == 200
    assert f"frame-ancestors {registered.base}" in roster.headers["Content-Security-Policy"]
    # Scoped to that cohort: another cohort's roster is refused.
    other = factories.session(factories.cohort())
    assert client.get(f"/sesiones/{other.id}/asistencia").status_code == 403
    # The next launch lands on the cohort directly.
    again = launch(client, registered, "profe")
    assert client.get(again.headers["Location"]).headers["Location"].endswith(
        f"/grupos/{cohort.id}")


def test_instructor_picks_one_of_their_cohorts_and_no_other(client, db, registered):
    launch(client, registered, "profe")
    trainer = _lti_trainer(db)
    mine, theirs = factories.cohort(trainers=[trainer]), factories.cohort()
    refused = client.post("/lti/enlazar", data={"pick-cohort_id": theirs.id})
    assert refused.status_code == 422 and "Elija uno de sus grupos" in refused.get_data(
        as_text=True)
    assert db.session.scalar(select(Context.cohort_id)) is None
    assert client.post("/lti/enlazar", data={"pick-cohort_id": mine.id}).status_code == 302
    assert db.session.scalar(select(Context.cohort_id)) == mine.id


def test_bad_new_cohort_keeps_the_input_and_links_nothing(client, db, registered):
    launch(client, registered, "profe")
    response = client.post("/lti/enlazar", data={"new-code": "LMS-02", "new-capacity": 0,
                                                 "new-start_date": "2026-02-01",
                                                 "new-end_date": "2026-01-01"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'value="LMS-02"' in body
    assert db.session.scalar(select(Cohort).where(Cohort.code == "LMS-02")) is None


def _learning(db):
    cohort = factories.cohort()
    person = factories.person(document_number="1090123456", birth_date=date(2000, 5, 17))
    enrollment = factories.enrollment(cohort, person, hours_credited=12)
    factories.session(cohort, day=date(2026, 3, 1), hours="4")
    return person, enrollment


def test_learner_matched_by_custom_claim_sees_hours_and_progress(client, db, registered):
    person, _ = _learning(db)
    registered.users["estudiante"]["custom"] = {"document_type": "CC",
                                                "document_number": "1.090.123.456"}
    launch(client, registered, "estudiante")
    page = client.get("/lti/mi-avance")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Mi avance" in body
    assert ">12</strong>" in body and " 16 " in body and "60,0\u00a0%" in body  # 12 h, 16 required
    assert db.session.scalar(select(Account.person_id)) == person.id


def test_learner_matches_once_by_document_and_birth_date(client, db, registered):
    person, _ = _learning(db)
    launch(client, registered, "estudiante")
    first = client.get("/lti/mi-avance")
    assert "Identifíquese" in first.get_data(as_text=True)
    wrong_date = client.post("/lti/mi-avance", data={
        "document_type": "CC", "document_number": "1090123456", "birth_date": "2000-05-18"})
    nobody = client.post("/lti/mi-avance", data={
        "document_type": "CC", "document_number": "999999", "birth_date": "2000-05-17"})
    assert wrong_date.status_code == nobody.status_code == 422
    assert "No encontramos un registro" in wrong_date.get_data(as_text=True)
    assert "No encontramos un registro" in nobody.get_data(as_text=True)
    assert db.session.scalar(select(Account.person_id)) is None
    right = client.post("/lti/mi-avance", data={
        "document_type": "CC", "document_number": "1090123456", "birth_date": "2000-05-17"})
    assert right.status_code == 200 and "Mi avance" in right.get_data(as_text=True)
    assert db.session.scalar(select(Account.person_id)) == person.id


def test_learner_pages_need_a_learner_launch(client, db, registered):
    launch(client, registered, "profe")
    assert client.get("/lti/mi-avance").status_code == 403
    fresh = client.application.test_client()
    assert fresh.get("/lti/mi-avance").status_code == 403


def test_learner_without_a_record_registers_with_consent(client, db, registered):
    from lms.people.models import Consent
    from tests.people.helpers import form_data

    factories.notice(version="2024-01")
    launch(client, registered, "estudiante")
    page = client.get("/lti/registrarme")
    assert page.status_code == 200 and "Aviso de privacidad" in page.get_data(as_text=True)
    no_consent = client.post("/lti/registrarme", data=form_data(consent=None, area=None,
                                                                notice_version="2024-01"))
    assert no_consent.status_code == 422
    assert db.session.scalar(select(Account.person_id)) is None
    done = client.post("/lti/registrarme", data=form_data(area=None, notice_version="2024-01"))
    assert done.status_code == 302, done.get_data(as_text=True)
    person_id = db.session.scalar(select(Account.person_id))
    assert db.session.scalar(select(Consent).where(Consent.person_id == person_id)) is not None
    assert "Mi avance" in client.get("/lti/mi-avance").get_data(as_text=True)
