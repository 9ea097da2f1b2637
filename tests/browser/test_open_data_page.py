"""A citizen opens the open-data page: charts next to the downloads, each with its table,
accessible (axe) on a desktop and on a 390-px phone without horizontal scroll."""

import re

import pytest
from playwright.sync_api import expect

from lms.extensions import db
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


def _seed(app):
    from lms.demo.build import build
    from lms.indicators import counting

    with app.app_context():
        build(300, seed=33, documents="placeholder")
        db.session.commit()
        ind = counting.list_indicators()[0]
        return ind.code, ind.goal


def test_citizen_reads_the_charts_and_downloads(live_server, live_app, page, phone_page,
                                                tmp_path):
    code, goal = _seed(live_app)
    page.goto(live_server + "/datos-abiertos")
    expect(page.get_by_role("heading", name="Gráficas")).to_be_visible()
    years = page.get_by_role("img", name=re.compile(rf"Personas por año frente a la meta — {code}"))
    expect(years).to_be_visible()
    for name in ("Zona", "Sexo"):
        expect(page.get_by_role("img", name=re.compile(rf"^{name} — {code}"))).to_be_visible()
    table = page.locator("#od-1-1-table")
    expect(table.get_by_role("row", name=re.compile("Meta"))).to_contain_text(str(goal))
    assert_accessible(page)

    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("Indicadores \\(CSV RFC 4180")).click()
    target = tmp_path / "indicadores.csv"
    info.value.save_as(target)
    assert target.read_bytes().startswith(b"codigo_indicador,")

    phone_page.goto(live_server + "/datos-abiertos")
    expect(phone_page.get_by_role("img", name=re.compile(rf"^Sexo — {code}"))).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert_accessible(phone_page)
