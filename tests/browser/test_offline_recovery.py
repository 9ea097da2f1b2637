"""The offline app when things go wrong: a lost response, a conflict, an expired login, a
shared phone, and a site that never connects (export, then an admin imports)."""

import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from lms.attendance.models import Attendance
from lms.attendance.offline_models import OfflineMark
from lms.audit.models import AuditEntry
from lms.extensions import db as _db
from lms.timeutil import utcnow
from tests.browser.conftest import assert_accessible, enter_as, log_in, make_user
from tests.browser.test_offline_app import _group, open_ready, phone  # noqa: F401 - fixture

pytestmark = pytest.mark.browser


def _count(app, model, *where):
    with app.app_context():
        return _db.session.scalar(select(func.count()).select_from(model).where(*where))


def _offline_roster(live_server, live_app, phone, size=4):  # noqa: F811 - the fixture
    trainer_id = make_user(live_app, "trainer", "rural@example.org")
    session_id, enrollment_ids = _group(live_app, trainer_id, size=size)
    page = phone.new_page()
    enter_as(page, live_server, "rural@example.org")
    open_ready(page, f"{live_server}/app/sesiones/{session_id}")
    expect(page.locator("#roster-list > li")).to_have_count(size)
    phone.set_offline(True)
    return page, session_id, enrollment_ids


def _go_online(page, phone):  # noqa: F811 - the fixture
    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")


def test_a_batch_whose_answer_is_lost_is_sent_again_and_adds_nothing(live_server, live_app,
                                                                     phone):  # noqa: F811
    page, session_id, _ids = _offline_roster(live_server, live_app, phone)
    page.get_by_role("button", name="Marcar a todos presentes").click()
    page.get_by_role("button", name="Tarde — Persona01 Rural").click()
    expect(page.locator("#pending")).to_have_text("5 sin sincronizar")
    answered = []

    def lose_the_answer(route):
        route.fetch()  # the server applies the batch and commits…
        answered.append(route.request.post_data_json)
        route.abort()  # …but the phone never hears back
        phone.unroute("**/app/sincronizar", lose_the_answer)

    phone.route("**/app/sincronizar", lose_the_answer)
    _go_online(page, phone)
    expect(page.locator("#pending")).to_have_text("0 sin sincronizar", timeout=20_000)
    assert len(answered) == 1 and len(answered[0]["items"]) == 5
    assert _count(live_app, Attendance) == 4
    assert _count(live_app, OfflineMark) == 5
    creates = _count(live_app, AuditEntry, AuditEntry.entity == "attendance",
                     AuditEntry.action == "create")
    assert creates == 4  # the replay wrote nothing, not even an audit entry
    assert_accessible(page)


def test_a_conflict_follows_the_later_mark_and_is_listed(live_server, live_app,
                                                         phone):  # noqa: F811
    page, session_id, ids = _offline_roster(live_server, live_app, phone)
    with live_app.app_context():  # a QR check-in reaches the server before the phone's mark
        _db.session.add(Attendance(session_id=session_id, enrollment_id=ids[1], status="presente",
                                   source="qr", marked_at=utcnow() - timedelta(seconds=5)))
        _db.session.commit()
    page.get_by_role("button", name="Ausente — Persona00 Rural").click()
    page.get_by_role("button", name="Ausente — Persona01 Rural").click()
    with live_app.app_context():  # …and one after it
        _db.session.add(Attendance(session_id=session_id, enrollment_id=ids[0], status="presente",
                                   source="qr", marked_at=utcnow() + timedelta(seconds=1)))
        _db.session.commit()
    _go_online(page, phone)
    expect(page.locator("#pending")).to_have_text("0 sin sincronizar", timeout=20_000)
    reports = page.locator("#reports-list > li")
    expect(reports).to_have_count(2)
    expect(reports.nth(0)).to_contain_text("Persona00 Rural")
    expect(reports.nth(0)).to_contain_text("se conservó «Presente»")
    expect(reports.nth(1)).to_contain_text("quedó su marca «Ausente»")
    with live_app.app_context():
        status = dict(_db.session.execute(
            select(Attendance.enrollment_id, Attendance.status)).all())
        assert status == {ids[0]: "presente", ids[1]: "ausente"}
        audited = _db.session.scalars(select(AuditEntry).where(AuditEntry.action == "conflict")
                                      .order_by(AuditEntry.id)).all()
        assert [a.changes["status"] for a in audited] == [["presente", "ausente"]] * 2
        assert [a.changes["winner"][1] for a in audited] == ["server", "device"]
    expect(page.get_by_role("button", name="Presente — Persona00 Rural")).to_have_attribute(
        "aria-pressed", "true")
    assert_accessible(page)


def test_an_expired_login_keeps_the_queue_and_a_shared_phone_keeps_it_private(
        live_server, live_app, phone):  # noqa: F811
    page, session_id, _ids = _offline_roster(live_server, live_app, phone)
    page.get_by_role("button", name="Presente — Persona00 Rural").click()
    page.get_by_role("button", name="Tarde — Persona01 Rural").click()
    phone.clear_cookies()  # the staff login expired while the phone was away
    _go_online(page, phone)
    expect(page.locator("#expired")).to_be_visible(timeout=20_000)
    expect(page.locator("#pending")).to_have_text("2 sin sincronizar")
    assert_accessible(page)
    page.get_by_role("link", name="Iniciar sesión de nuevo").click()
    page.get_by_label("Correo electrónico").fill("rural@example.org")
    page.get_by_label("Contraseña").fill("clave-de-prueba-123")
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_url("**/app/hoy")
    expect(page.locator("#pending")).to_have_text("0 sin sincronizar", timeout=20_000)
    # The badge may read 0 before the page has loaded its queue: wait for the marks to land.
    deadline = time.monotonic() + 20
    while _count(live_app, Attendance) < 2 and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert _count(live_app, Attendance) == 2

    page.goto(f"{live_server}/app/sesiones/{session_id}")
    page.get_by_role("button", name="Ausente — Persona02 Rural").click()
    phone.set_offline(True)  # this one is not sent before signing out
    expect(page.locator("#pending")).to_have_text("1 sin sincronizar")
    # One handler for both questions: with page.once for each, the second registration can
    # reach Playwright's driver after its first listener's removal, which then answers the
    # second question itself before the test does (seen under load).
    answers, messages = ["dismiss", "accept"], []

    def answer(dialog):
        messages.append(dialog.message)
        getattr(dialog, answers.pop(0))()

    page.on("dialog", answer)
    page.get_by_role("button", name="Cerrar sesión").click()
    expect(page.locator("#pending")).to_have_text("1 sin sincronizar")  # still here
    # Keep it unsent: the route goes first, since coming online starts a sync at once.
    phone.route("**/app/sincronizar", lambda route: route.abort())
    phone.set_offline(False)
    page.get_by_role("button", name="Cerrar sesión").click()
    page.wait_for_url("**/login")
    page.remove_listener("dialog", answer)
    assert not answers and "Hay 1 marca sin sincronizar" in messages[1]
    phone.unroute("**/app/sincronizar")

    make_user(live_app, "trainer", "otra@example.org")
    log_in(page, live_server, "otra@example.org")
    open_ready(page, f"{live_server}/app/hoy")
    expect(page.locator("#pending")).to_have_text("0 sin sincronizar")
    expect(page.get_by_text("Persona00 Rural")).to_have_count(0)
    expect(page.get_by_role("link", name="G-RURAL · Alfabetización digital")).to_have_count(0)
    assert _count(live_app, Attendance) == 2


def test_a_site_that_never_connects_exports_and_an_admin_imports_once(
        live_server, live_app, phone, browser, tmp_path):  # noqa: F811
    page, session_id, _ids = _offline_roster(live_server, live_app, phone)
    page.get_by_role("button", name="Marcar a todos presentes").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Exportar pendientes").click()
    file = tmp_path / "pendientes.json"
    download.value.save_as(file)
    expect(page.locator("#sync-message")).to_contain_text("Se exportaron 4 pendientes")

    make_user(live_app, "admin", "oficina@example.org")
    office = browser.new_context(locale="es-CO")
    admin = office.new_page()
    enter_as(admin, live_server, "oficina@example.org")
    admin.goto(f"{live_server}/app/importar")
    assert_accessible(admin)
    admin.get_by_role("button", name="Importar").click()
    expect(admin.get_by_text("Seleccione un archivo.")).to_be_visible()
    tampered = tmp_path / "alterado.json"
    tampered.write_text(file.read_text().replace("presente", "ausente"))
    admin.get_by_label("Archivo de pendientes (JSON)").set_input_files(tampered)
    admin.get_by_role("button", name="Importar").click()
    expect(admin.get_by_text("La firma del archivo no corresponde")).to_be_visible()
    assert _count(live_app, Attendance) == 0
    for _ in range(2):  # importing the same file again changes nothing
        admin.get_by_label("Archivo de pendientes (JSON)").set_input_files(file)
        admin.get_by_role("button", name="Importar").click()
        expect(admin.locator(".alert-success")).to_contain_text("Archivo de Trainer verificado")
    expect(admin.locator(".alert-success")).to_contain_text("Aplicadas: 0 · ya recibidas: 4")
    assert_accessible(admin)
    office.close()
    assert _count(live_app, Attendance) == 4

    _go_online(page, phone)  # the phone connects later: its queue is a replay
    expect(page.locator("#pending")).to_have_text("0 sin sincronizar", timeout=20_000)
    assert _count(live_app, Attendance) == 4
    assert _count(live_app, OfflineMark, OfflineMark.via == "import") == 4


def test_a_refused_walk_in_stays_queued_until_the_trainer_fixes_it(live_server, live_app,
                                                                   phone):  # noqa: F811
    from tests import factories
    from tests.browser.test_offline_app import fill_walk_in

    page, session_id, _ids = _offline_roster(live_server, live_app, phone, size=2)
    fill_walk_in(page, "CC", "1090777333", "Yorgelis", "Contreras", "1995-04-03")
    with live_app.app_context():  # the office publishes a new notice meanwhile
        factories.notice(version="2026-nuevo")
        _db.session.commit()
    _go_online(page, phone)
    errors = page.locator("#errors-list > li")
    expect(errors).to_have_count(1, timeout=20_000)
    expect(errors).to_contain_text("El aviso de privacidad cambió")
    expect(page.locator("#pending")).to_have_text("1 sin sincronizar")
    assert_accessible(page)
    errors.get_by_role("button", name="Corregir").click()
    expect(page.locator("#w-notice-version")).to_have_text("(versión 2026-nuevo)")
    page.get_by_label("La persona leyó el aviso").check()
    page.get_by_role("button", name="Inscribir y marcar presente").click()
    page.get_by_role("button", name="Sincronizar").click()
    expect(page.locator("#pending")).to_have_text("0 sin sincronizar", timeout=20_000)
    expect(errors).to_have_count(0)
    assert _count(live_app, Attendance) == 1
