"""Browser: on a phone, the office searches its groups, filters them by state and course,
and the filters stay in the form and across pages."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from lms.extensions import db
from lms.timeutil import local_today
from tests import factories
from tests.browser.conftest import assert_accessible, enter_as, make_user

pytestmark = pytest.mark.browser


def _groups(app):
    today = local_today()
    with app.app_context():
        excel = factories.course(name="Excel para el trabajo")
        basic = factories.course(name="Uso básico de las TIC")
        site = factories.site(name="CAC La Libertad")
        for n in range(30):
            factories.cohort(code=f"EXCEL-{n:02}", course=excel, site=site,
                             start_date=today - timedelta(days=3), end_date=today + timedelta(5))
        factories.cohort(code="EXCEL-2021", course=excel, site=site,
                         start_date=date(2021, 2, 1), end_date=date(2021, 3, 1))
        factories.cohort(code="BASICO-01", course=basic, site=site)
        db.session.commit()


def test_office_filters_its_groups_on_a_phone(live_server, live_app, phone_page):
    page = phone_page
    make_user(live_app, "admin", "admin@example.org")
    _groups(live_app)
    enter_as(page, live_server, "admin@example.org")
    page.goto(live_server + "/grupos")
    expect(page.get_by_text("32 grupos")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Buscar", exact=True).fill("excel")
    page.get_by_label("Estado").select_option(label="En curso")
    page.get_by_role("button", name="Filtrar").click()
    expect(page.get_by_text("30 grupos")).to_be_visible()
    expect(page.get_by_label("Buscar", exact=True)).to_have_value("excel")
    expect(page.get_by_label("Estado")).to_have_value("en_curso")
    expect(page.get_by_role("link", name="EXCEL-2021")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("navigation", name="Páginas").get_by_role("link", name="2").click()
    expect(page.get_by_role("link", name="EXCEL-27")).to_be_visible()
    expect(page.get_by_label("Estado")).to_have_value("en_curso")
    expect(page.get_by_text("30 grupos")).to_be_visible()

    page.get_by_role("link", name="Quitar filtros").click()
    expect(page.get_by_text("32 grupos")).to_be_visible()
