import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, log_in, make_user

pytestmark = pytest.mark.browser


def test_admin_logs_in_and_out(live_server, live_app, page):
    make_user(live_app, "admin", "admin@example.org")
    page.goto(live_server + "/login")
    assert_accessible(page)
    page.get_by_label("Correo electrónico").fill("admin@example.org")
    page.get_by_label("Contraseña").fill("incorrecta-123456")
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_text("Correo o contraseña incorrectos.")).to_be_visible()
    assert page.get_by_label("Correo electrónico").input_value() == "admin@example.org"
    log_in(page, live_server, "admin@example.org")
    expect(page.get_by_role("heading", name="Hola, Admin")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Salir").click()
    page.wait_for_url("**/login")
