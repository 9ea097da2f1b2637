"""An admin creates a one-time Dynamic Registration link; the LMS registers with it once."""

from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, enter_as, make_user
from tests.lti.platform import Platform

pytestmark = pytest.mark.browser


def test_admin_creates_a_one_time_registration_link(live_app, live_server, page):
    make_user(live_app, "admin", "admin@example.org")
    platform = Platform(live_server, host="localhost").start()
    try:
        enter_as(page, live_server, "admin@example.org")
        page.goto(live_server + "/admin/lti")
        page.get_by_role("button", name="Crear enlace de registro dinámico (un solo uso)").click()
        expect(page.get_by_role("heading", name="Enlace de registro dinámico")).to_be_visible()
        assert_accessible(page)
        link = page.locator("#registration-url").inner_text()
        assert link.startswith(live_server + "/lti/registro?invite=")
        config = quote(platform.base + "/.well-known/openid-configuration", safe="")
        opened = f"{link}&openid_configuration={config}&registration_token=reg-1"
        page.goto(opened)
        expect(page.get_by_text("pendiente de aprobación").first).to_be_visible()
        fetched = platform.config_fetches
        page.goto(opened)  # the same link a second time
        expect(page.locator("#lti-error")).to_contain_text("ya fue usado o venció")
        assert_accessible(page)
        assert platform.config_fetches == fetched
    finally:
        platform.stop()
