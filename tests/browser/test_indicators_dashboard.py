"""An analyst filters the indicator dashboard, drills down and checks the XLSX download."""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from lms.extensions import db
from tests.browser.conftest import assert_accessible, enter_as, make_user

pytestmark = pytest.mark.browser


def _seed(app):
    from lms.demo.build import build
    from lms.indicators import counting

    with app.app_context():
        build(300, seed=21, documents="placeholder", period=(2020, 2023))
        db.session.commit()
        ind = counting.list_indicators()[0]
        urban = counting.summary(ind, counting.Filters(zone="urbana"))
        year = max(urban.by_year, key=lambda y: (urban.by_year[y], y))
        return ind.code, year, urban.by_year[year]


def test_analyst_filters_drills_down_and_downloads(live_server, live_app, page, tmp_path):
    code, year, expected = _seed(live_app)
    assert expected > 0
    make_user(live_app, "analyst", "analista@example.org", name="Analista")
    enter_as(page, live_server, "analista@example.org")
    page.goto(live_server + "/indicadores")
    expect(page.get_by_role("heading", name="Indicadores del plan de desarrollo")).to_be_visible()
    assert_accessible(page)

    filters = page.get_by_role("form", name="Filtros")
    filters.get_by_label("Año").select_option(str(year))
    filters.get_by_label("Zona").select_option("urbana")
    page.get_by_role("button", name="Filtrar").click()
    page.wait_for_url(re.compile(rf"year={year}.*zone=urbana"))
    figure = page.locator(f'[data-figure="achieved-{code}"]')
    assert int(figure.inner_text()) == expected
    assert_accessible(page)

    figure.click()
    page.wait_for_url(re.compile(rf"/indicadores/{code}/personas"))
    assert int(page.locator("#people-total").inner_text()) == expected
    body = page.locator("#people").inner_text()
    assert re.search(r"P-[0-9A-F]{12}", body) and "Nombre" not in body
    assert_accessible(page)

    page.go_back()
    with page.expect_download() as info:
        page.get_by_role("link", name="Descargar XLSX").click()
    target = tmp_path / "indicadores.xlsx"
    info.value.save_as(target)
    wb = load_workbook(target)
    assert "Personas" not in wb.sheetnames
    ws = wb[code]
    assert ws["A8"].value == "Meta" and ws["B9"].value == expected
    assert ws["B5"].value == f"Año: {year}; Zona: urbana"
