"""Browser: a batch issue runs on the queue with its progress page; the admin finds a failed
e-mail task on "Tareas", reads its error and retries it."""

import pytest
from playwright.sync_api import expect

from lms import mail, tasks
from lms.extensions import db
from tests import factories
from tests.browser.conftest import assert_accessible, enter_as, go_to, make_user
from tests.certificates.conftest import completed_enrollment
from tests.ops.conftest import mail_to_folder, mail_to_nobody, run_due_retries

pytestmark = pytest.mark.browser


def test_batch_issue_shows_its_progress_page(live_server, live_app, page):
    make_user(live_app, "admin", "admin@example.org")
    with live_app.app_context():
        cohort = factories.cohort(code="TIC-2021-07")
        for _ in range(3):
            completed_enrollment(cohort)
        db.session.commit()
    enter_as(page, live_server, "admin@example.org")
    page.goto(live_server + "/admin/certificados")
    page.get_by_label("Grupo", exact=True).select_option("TIC-2021-07")
    page.get_by_role("button", name="Emitir pendientes").click()
    page.wait_for_url("**/admin/certificados/lotes/*")
    expect(page.get_by_role("status")).to_have_text("3 / 3 · terminado")
    assert_accessible(page)
    # The finished batch as one PDF for printing, built in the background.
    page.get_by_role("button", name="Preparar: Un solo PDF para imprimir").click()
    expect(page.get_by_text("El archivo se está preparando")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Descargar: Un solo PDF para imprimir").click()
    assert info.value.suggested_filename.endswith(".pdf")
    page.reload()  # a download leaves the page mid-navigation: measure a fresh load
    expect(page.get_by_role("link", name="Descargar: Un solo PDF para imprimir")).to_be_visible()
    assert_accessible(page)


def test_admin_retries_a_failed_task(live_server, live_app, page, tmp_path, monkeypatch):
    make_user(live_app, "admin", "admin@example.org")
    mail_to_nobody(monkeypatch, live_app.config)  # nobody listens
    with live_app.app_context():
        mail.send("ana@example.org", "Hola", "Cuerpo")
        tasks.commit()
        run_due_retries()
        record_id = db.session.scalar(db.select(tasks.TaskRecord.id))
    mail_to_folder(monkeypatch, live_app.config, tmp_path)

    enter_as(page, live_server, "admin@example.org")
    go_to(page, "Administración", "Tareas")
    expect(page.get_by_role("heading", name="Tareas en segundo plano")).to_be_visible()
    failed = page.locator("#tareas-failed")
    expect(failed.get_by_role("cell", name="Enviar correos")).to_be_visible()
    expect(failed.get_by_text("ConnectionRefusedError")).to_be_visible()
    assert_accessible(page)

    failed.get_by_role("button", name=f"Reintentar tarea {record_id}").click()
    expect(page.get_by_text(f"La tarea {record_id} se volvió a enviar.")).to_be_visible()
    expect(page.locator("#tareas-failed").get_by_role("cell", name="Ninguna.")).to_be_visible()
    expect(page.locator("#tareas-retried").get_by_role("cell", name="terminada")).to_be_visible()
    assert_accessible(page)
    assert len(list(tmp_path.glob("*.eml"))) == 1
