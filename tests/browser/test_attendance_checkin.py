import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.attendance.models import Attendance
from lms.auth.models import User
from lms.extensions import db as _db
from tests import factories
from tests.browser.conftest import assert_accessible, enter_as, make_user

pytestmark = pytest.mark.browser


def test_participant_checks_in_through_the_rotating_qr(live_server, live_app, page,
                                                       phone_page):
    trainer_id = make_user(live_app, "trainer", "formador@example.org")
    with live_app.app_context():
        cohort = factories.cohort(trainers=[_db.session.get(User, trainer_id)])
        session = factories.session(cohort)
        enrollment = factories.enrollment(cohort, factories.person(document_number="60123456"))
        _db.session.commit()
        session_id, enrollment_id = session.id, enrollment.id
    enter_as(page, live_server, "formador@example.org")
    page.goto(f"{live_server}/sesiones/{session_id}/qr")
    page.locator("#qr-image svg").wait_for()
    assert_accessible(page)
    current = page.request.get(f"{live_server}/sesiones/{session_id}/qr.json").json()
    assert current["url"].startswith(live_server)
    # The participant opens the scanned URL on their own phone, without an account.
    phone_page.goto(current["url"])
    assert_accessible(phone_page)
    phone_page.get_by_label("Tipo de documento").select_option("CC")
    phone_page.get_by_label("Número de documento").fill("60.123.456")
    phone_page.get_by_role("button", name="Registrar mi asistencia").click()
    phone_page.get_by_text("Su asistencia quedó registrada").wait_for()
    assert_accessible(phone_page)
    # A made-up code is refused with a clear message.
    phone_page.goto(f"{live_server}/asistencia/{session_id}/aaaaaaaaaaaaaaaa")
    expect(phone_page.get_by_text("El código QR ya venció")).to_be_visible()
    assert_accessible(phone_page)
    with live_app.app_context():
        mark = _db.session.scalar(select(Attendance).where(
            Attendance.enrollment_id == enrollment_id))
        assert (mark.status, mark.source, mark.marked_by_id) == ("presente", "qr", None)


def test_shared_phone_shows_whose_attendance_and_registers_another(live_server, live_app,
                                                                   phone_page, monkeypatch):
    from lms.attendance import checkin

    now = checkin.clock()
    monkeypatch.setattr(checkin, "clock", lambda: now)  # the code stays valid all along
    with live_app.app_context():
        cohort = factories.cohort()
        session = factories.session(cohort)
        first = factories.enrollment(cohort, factories.person(
            document_number="60111222", first_names="María José", last_names="Pérez"))
        second = factories.enrollment(cohort, factories.person(
            document_number="60333444", first_names="Luis", last_names="Rojas"))
        _db.session.commit()
        ids = {first.id, second.id}
        with live_app.test_request_context():
            code, _ = checkin.current_code(session.id)
        label = f"{cohort.code} · {cohort.course.name} · {session.date.strftime('%d/%m/%Y')}"
    phone_page.goto(f"{live_server}/asistencia/{session.id}/{code}")
    for number, masked in (("60111222", "Ma*** Jo*** Pé***"), ("60333444", "Lu*** Ro***")):
        phone_page.get_by_label("Número de documento").fill(number)
        phone_page.get_by_role("button", name="Registrar mi asistencia").click()
        expect(phone_page.get_by_text("Su asistencia quedó registrada")).to_be_visible()
        expect(phone_page.locator("#checkin-name")).to_have_text(masked)
        expect(phone_page.locator("#checkin-session")).to_have_text(label)
        assert "Pérez" not in phone_page.content()
        assert_accessible(phone_page)
        phone_page.get_by_role("link", name="Registrar a otra persona").click()
        expect(phone_page.get_by_label("Número de documento")).to_have_value("")
    with live_app.app_context():
        marked = set(_db.session.scalars(select(Attendance.enrollment_id)))
        assert marked == ids
