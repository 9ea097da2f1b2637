"""LTI client-side postMessage storage in a browser that drops the tool's state cookie:
the LMS page (another site) answers lti.capabilities, lti.put_data and lti.get_data, and
the launch still succeeds; without the platform's storage it is refused in Spanish."""

import re

import pytest
from playwright.sync_api import expect

from lms.extensions import db as _db
from lms.lti import platform_keys, platforms
from tests.browser.conftest import _axe_violations
from tests.lti.platform import Platform

pytestmark = pytest.mark.browser


@pytest.fixture
def storage_platform(live_server, live_app):
    """The test platform on http://localhost, offering postMessage storage."""
    running = Platform(live_server, host="localhost").start()
    running.storage = True
    platform_keys.forget()
    with live_app.app_context():
        platforms.register(**running.registration())
        _db.session.commit()
    yield running
    running.stop()


def _drop_state_cookie(page, platform) -> list[int]:
    """Lose the tool's state cookie before the platform answers (third-party cookies
    blocked); the statuses of the tool's login responses."""
    served: list[int] = []
    page.on("response", lambda r: served.append(r.status) if "/lti/login" in r.url else None)

    def handle(route):
        page.context.clear_cookies(name=re.compile("^lti1p3-state-"))
        route.continue_()

    page.route(re.compile(re.escape(platform.base) + r"/auth.*"), handle)
    return served


def test_launch_succeeds_through_platform_storage_with_the_cookie_blocked(
        live_app, page, storage_platform):
    platform = storage_platform
    served = _drop_state_cookie(page, platform)
    page.goto(platform.base + "/course?user=profe")
    tool = page.frame_locator("#tool")
    expect(tool.get_by_role("heading", name="Enlazar el curso con un grupo")).to_be_visible()
    assert served == [200]  # the storage page, not a redirect
    assert not [c for c in page.context.cookies() if c["name"].startswith("lti1p3-state-")]
    stored = page.evaluate("window.ltiStored")
    assert sorted(k.split(" ")[1][:13] for k in stored) == ["lti1p3_nonce_", "lti1p3_state_"]
    assert all(k.startswith(platform.tool_base + " ") for k in stored)


def test_storage_pages_are_accessible_and_a_launch_without_storage_is_refused(
        live_app, page, storage_platform):
    platform = storage_platform
    hold = {"auth": True, "launch": True}

    def auth(route):
        if hold["auth"]:
            return route.abort("aborted")  # keeps the login page on screen for axe
        page.context.clear_cookies(name=re.compile("^lti1p3-state-"))
        return route.continue_()

    def launch(route):
        if hold["launch"] and "lti_storage_checked" in (route.request.post_data or ""):
            return route.abort("aborted")  # keeps the launch page on screen for axe
        return route.continue_()

    page.route(re.compile(re.escape(platform.base) + r"/auth.*"), auth)
    page.route(re.compile(re.escape(platform.tool_base) + r"/lti/launch"), launch)
    # Opened on its own, no platform frame answers lti.capabilities: the page goes on.
    # Each hold is released only once the page's own attempt to go on has been refused, or
    # a late attempt (a slow machine) would pass the released hold and leave the page.
    query = "&".join(f"{k}={v}" for k, v in platform.login_params().items())
    with page.expect_event("requestfailed", lambda r: r.url.startswith(platform.base + "/auth")):
        page.goto(f"{platform.tool_base}/lti/login?{query}", wait_until="commit")
    expect(page.get_by_role("heading", name="Ingresando desde la plataforma")).to_be_visible()
    assert not _axe_violations(page)
    hold["auth"] = False
    with page.expect_event("requestfailed",
                           lambda r: r.url == f"{platform.tool_base}/lti/launch"):
        page.get_by_role("link", name="Continuar").click()
    expect(page.get_by_role("heading", name="Abriendo la actividad")).to_be_visible()
    assert not _axe_violations(page)
    hold["launch"] = False
    page.get_by_role("button", name="Continuar").click()
    expect(page.locator("#lti-error")).to_contain_text("falta la cookie de estado")
    assert not _axe_violations(page)
