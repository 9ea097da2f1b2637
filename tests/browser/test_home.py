"""Browser: each role's home; the admin's lists pending work with counts that lead to it."""

import pytest
from playwright.sync_api import expect

from lms.extensions import db as _db
from lms.tasks import TaskRecord
from tests.browser.conftest import assert_accessible, enter_as, make_user

pytestmark = pytest.mark.browser


def test_admin_home_shows_pending_work_and_leads_to_it(live_server, live_app, page):
    make_user(live_app, "admin", "admin@example.org", name="Paula Andrea Rincón Villamizar")
    with live_app.app_context():
        _db.session.add(TaskRecord(name="lms.mail.deliver", args=[0], state="failed"))
        _db.session.commit()
    enter_as(page, live_server, "admin@example.org")
    work = page.get_by_role("list", name="Trabajo pendiente")
    failed = work.get_by_role("listitem").filter(has_text="Tareas fallidas")
    expect(failed.locator("[data-count]")).to_have_text("1")
    expect(work.get_by_role("listitem").filter(has_text="Certificados por emitir")
           .locator("[data-count]")).to_have_text("0")
    assert_accessible(page)
    failed.get_by_role("link").click()
    page.wait_for_url("**/admin/tareas")


def test_analyst_lands_on_the_indicators(live_server, live_app, page):
    make_user(live_app, "analyst", "analyst@example.org")
    enter_as(page, live_server, "analyst@example.org")
    page.goto(live_server + "/")
    page.wait_for_url("**/indicadores")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
