"""Browser: the desktop menu fits one line at 1366 px, grouped by role of work, and each
role sees only its groups."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, enter_as, make_user

pytestmark = pytest.mark.browser


def _one_line(page) -> None:
    tops = page.evaluate(
        "() => [...document.querySelectorAll('#menu > ul > li, #menu > form')]"
        ".map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert len(tops) > 1 and max(tops) - min(tops) < 10, tops


def _menu_at_1366(page, base, app, role, name):
    """Sign in as a new user of the role on a 1366-px screen; the menu, checked to be one line."""
    make_user(app, role, f"{role}@example.org", name=name)
    page.set_viewport_size({"width": 1366, "height": 900})
    enter_as(page, base, f"{role}@example.org")
    _one_line(page)
    return page.get_by_role("navigation", name="Menú principal")


def test_admin_menu_is_one_grouped_line_at_1366(live_server, live_app, page):
    menu = _menu_at_1366(page, live_server, live_app, "admin", "Paula Andrea Rincón Villamizar")
    for group in ("Formación", "Administración"):
        expect(menu.get_by_role("button", name=group)).to_be_visible()
    for single in ("Certificados", "Indicadores"):
        expect(menu.get_by_role("link", name=single, exact=True)).to_be_visible()
    menu.get_by_role("button", name="Administración").click()
    assert_accessible(page)
    menu.get_by_role("link", name="Auditoría").click()
    page.wait_for_url("**/auditoria/")
    menu.get_by_role("button", name="Formación").click()
    menu.get_by_role("link", name="Sedes").click()
    page.wait_for_url("**/sedes")


def test_trainer_sees_only_training(live_server, live_app, page):
    menu = _menu_at_1366(page, live_server, live_app, "trainer", "Formador Uno")
    expect(menu.get_by_role("button", name="Formación")).to_be_visible()
    expect(menu.get_by_role("button", name="Administración")).to_have_count(0)
    expect(menu.get_by_role("link", name="Indicadores")).to_have_count(0)
    menu.get_by_role("button", name="Formación").click()
    expect(menu.get_by_role("link", name="Hoy")).to_be_visible()
    assert_accessible(page)
