"""The offline app in headless Chromium with its service worker: a full session taken in
airplane mode, then synced exactly once."""

from datetime import date, datetime

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.attendance.models import Attendance
from lms.attendance.offline_models import OfflineMark
from lms.audit.models import AuditEntry
from lms.auth.models import User
from lms.extensions import db as _db
from lms.people.models import Consent, Person
from lms.timeutil import local_today
from tests import factories
from tests.browser.conftest import PHONE, assert_accessible, enter_as, make_user

pytestmark = pytest.mark.browser

ROSTER = 28
NOTE = "Llegó tarde por el transporte"


def _group(app, trainer_id, size=ROSTER):
    with app.app_context():
        trainer = _db.session.get(User, trainer_id)
        cohort = factories.cohort(trainers=[trainer], code="G-RURAL", capacity=40,
                                  course=factories.course(hours=40, name="Alfabetización digital"))
        session = factories.session(cohort, day=local_today(), hours="4")
        enrollments = [
            factories.enrollment(cohort, factories.person(
                first_names=f"Persona{n:02d}", last_names="Rural"))
            for n in range(size)
        ]
        factories.notice(version="2026-offline")
        _db.session.commit()
        return session.id, [e.id for e in enrollments]


@pytest.fixture
def phone(browser):
    """A phone-sized context in the office's time zone (its "today" is the server's)."""
    context = browser.new_context(locale="es-CO", viewport=PHONE, has_touch=True,
                                  is_mobile=True, timezone_id="America/Bogota",
                                  accept_downloads=True)
    context.set_default_timeout(15_000)
    yield context
    context.close()


def open_ready(page, url):
    """Open an app page and wait until it says it is ready to work offline."""
    page.goto(url)
    expect(page.locator("#ready")).to_contain_text("Listo para trabajar sin conexión",
                                                   timeout=20_000)
    # A locator, not wait_for_function: the page's CSP forbids the eval a string predicate needs.
    expect(page.locator("#offline-app")).to_have_attribute("data-ready", "1", timeout=20_000)


def fill_walk_in(page, doc_type, number, first, last, birth, guardian=None):
    """Register a walk-in through the offline form."""
    if not page.locator("#walk-in").evaluate("details => details.open"):
        page.locator("#walk-in > summary").click()
    page.get_by_label("Tipo de documento").select_option(doc_type)
    page.get_by_label("Número de documento").fill(number)
    page.get_by_label("Nombres").fill(first)
    page.get_by_label("Apellidos").fill(last)
    page.get_by_label("Fecha de nacimiento").fill(birth)
    page.get_by_label("Sexo").select_option("F")
    page.get_by_label("Zona").select_option("rural")
    if guardian:
        page.get_by_label("Nombre del acudiente").fill(guardian[0])
        page.get_by_label("Documento del acudiente").fill(guardian[1])
    page.get_by_label("La persona leyó el aviso").check()
    page.get_by_role("button", name="Inscribir y marcar presente").click()
    expect(page.locator("#sync-message")).to_contain_text(f"{first} {last} quedó en la cola")


def test_a_session_taken_in_airplane_mode_is_synced_exactly_once(live_server, live_app, phone):
    trainer_id = make_user(live_app, "trainer", "rural@example.org")
    session_id, enrollment_ids = _group(live_app, trainer_id)
    page = phone.new_page()
    enter_as(page, live_server, "rural@example.org")
    open_ready(page, f"{live_server}/app/hoy")
    assert_accessible(page)
    page.get_by_role("link", name="G-RURAL · Alfabetización digital").click()
    page.wait_for_url(f"**/app/sesiones/{session_id}")
    expect(page.locator("#roster-list > li")).to_have_count(ROSTER)
    expect(page.locator("#unmarked")).to_have_text(f"{ROSTER} sin marcar de {ROSTER}")
    expect(page.locator(f"#e{enrollment_ids[0]} .roster-progress")).to_have_text(
        "0 de 40 h · faltan 32 h para el 80 %")

    phone.set_offline(True)
    page.reload()  # from the service worker's cache
    expect(page.locator("#network")).to_have_text("Sin conexión")
    expect(page.locator("#roster-list > li")).to_have_count(ROSTER)
    assert_accessible(page)
    page.get_by_role("button", name="Marcar a todos presentes").click()
    expect(page.locator("#unmarked")).to_have_text(f"Todas las {ROSTER} personas están marcadas")
    page.get_by_role("button", name="Ausente — Persona00 Rural").click()
    page.get_by_role("button", name="Tarde — Persona01 Rural").click()
    late = page.locator(f"#e{enrollment_ids[1]}")
    late.locator("summary").click()  # the small "Nota" control of that person
    late.get_by_label("Nota sobre la asistencia de Persona01 Rural").fill(NOTE)
    late.get_by_role("button", name="Guardar nota — Persona01 Rural").click()
    expect(page.locator("#sync-message")).to_contain_text("Nota de Persona01 Rural guardada")
    expect(page.locator(f"#e{enrollment_ids[2]} .roster-progress")).to_have_text(
        "4 de 40 h · faltan 28 h para el 80 %")
    fill_walk_in(page, "CC", "1.090.555.111", "Yorgelis", "Contreras", "1995-04-03")
    fill_walk_in(page, "TI", "1090666222", "Camila", "Ortega", "2012-06-01",
                 guardian=("Marta Ortega", "CC 60111222"))
    expect(page.locator("#pending")).to_have_text(f"{ROSTER + 5} sin sincronizar")
    expect(page.get_by_role("button", name="Presente — Camila Ortega")).to_have_attribute(
        "aria-pressed", "true")
    assert_accessible(page)
    page.close()

    page = phone.new_page()  # closed and reopened, still offline
    page.goto(f"{live_server}/app/sesiones/{session_id}")
    expect(page.locator("#pending")).to_have_text(f"{ROSTER + 5} sin sincronizar")
    expect(page.get_by_role("button", name="Ausente — Persona00 Rural")).to_have_attribute(
        "aria-pressed", "true")
    expect(page.get_by_label("Nota sobre la asistencia de Persona01 Rural")).to_have_value(NOTE)
    with live_app.app_context():
        assert _db.session.scalar(select(Attendance.id)) is None  # nothing sent yet

    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#pending")).to_have_text("0 sin sincronizar", timeout=20_000)
    expect(page.locator("#roster-list > li")).to_have_count(ROSTER + 2)
    with live_app.app_context():
        marks = _db.session.scalars(select(Attendance).where(
            Attendance.session_id == session_id)).all()
        assert len(marks) == ROSTER + 2
        by_enrollment = {m.enrollment_id: m for m in marks}
        assert by_enrollment[enrollment_ids[0]].status == "ausente"
        assert by_enrollment[enrollment_ids[1]].status == "tarde"
        # The note made offline arrived with its mark, once: one audited write carries it.
        assert by_enrollment[enrollment_ids[1]].note == NOTE
        assert [m.enrollment_id for m in marks if m.note] == [enrollment_ids[1]]
        noted = [a for a in _db.session.scalars(select(AuditEntry).where(
            AuditEntry.entity == "attendance")) if "note" in (a.changes or {})]
        assert [a.changes["note"] for a in noted] == [[None, NOTE]]
        assert sorted(m.status for m in marks).count("presente") == ROSTER
        sent = {o.mark_id: o for o in _db.session.scalars(select(OfflineMark))}
        assert len(sent) == ROSTER + 5
        assert {o.outcome for o in sent.values()} == {"applied"}
        latest = {}
        for o in sorted(sent.values(), key=lambda o: o.made_at):
            latest[o.enrollment_id] = o.made_at
        for m in marks:  # each mark carries the time it was made on the phone
            assert m.marked_at == latest[m.enrollment_id]
            assert datetime(2000, 1, 1) < m.marked_at
        minor = _db.session.scalar(select(Person).where(Person.document_number == "1090666222"))
        consent = _db.session.scalar(select(Consent).where(Consent.person_id == minor.id))
        assert consent.guardian_name == "Marta Ortega"
        assert minor.birth_date == date(2012, 6, 1)
    expect(page.locator("#reports")).to_be_hidden()
    assert_accessible(page)
