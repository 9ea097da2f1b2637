import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, enter_as, make_user

pytestmark = pytest.mark.browser


def test_admin_registers_a_webhook_and_sees_its_secret_once(live_server, live_app, page,
                                                             monkeypatch):
    monkeypatch.setitem(live_app.config, "WEBHOOK_ALLOWED_HOSTS", ["127.0.0.1"])
    make_user(live_app, "admin", "admin@example.org")
    enter_as(page, live_server, "admin@example.org")
    page.goto(live_server + "/admin/webhooks")
    assert_accessible(page)
    page.get_by_label("URL (https)").fill("http://10.1.2.3/hook")
    page.get_by_label("Eventos").select_option(["certificate.issued", "certificate.revoked"])
    page.get_by_role("button", name="Registrar").click()
    expect(page.get_by_text("dirección interna")).to_be_visible()
    assert page.get_by_label("URL (https)").input_value() == "http://10.1.2.3/hook"
    page.get_by_label("URL (https)").fill("http://127.0.0.1:9/hook")
    page.get_by_role("button", name="Registrar").click()
    secret = page.locator("#secreto").inner_text()
    assert secret.startswith("whsec_")
    assert_accessible(page)
    page.get_by_role("link", name="http://127.0.0.1:9/hook").click()
    expect(page.get_by_role("heading", name="Entregas recientes")).to_be_visible()
    assert secret not in page.content()
    page.get_by_role("button", name="Desactivar").click()
    expect(page.get_by_text("Desactivado.")).to_be_visible()
    assert_accessible(page)
