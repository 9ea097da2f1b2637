"""The dashboard, the drill-downs and their permissions."""

import html
import re
from datetime import date

import pytest
from sqlalchemy import event

from lms.extensions import db as _db
from tests import factories
from tests.indicators.conftest import certify, complete

BASIC = "PDM-2301031"


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args, **kwargs):
        self.count += 1

    def __enter__(self):
        event.listen(_db.engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        event.remove(_db.engine, "before_cursor_execute", self)


def _people(plan, n, year=2021, **kw):
    site = factories.site()
    for i in range(n):
        p = factories.person(**kw)
        e = complete(p, plan["course"]["alfa"], date(year, 1 + i % 12, 1), site=site)
        certify(e)
        complete(p, plan["course"]["basic"], date(year, 1 + i % 12, 2), site=site)
    _db.session.commit()  # written before the counted request, not by it


def test_dashboard_query_count_is_constant(client, login, analyst, plan):
    login(analyst)
    _people(plan, 2)
    with QueryCounter() as small:
        assert client.get("/indicadores").status_code == 200
    _people(plan, 25, year=2022, zone="rural")
    with QueryCounter() as large:
        res = client.get("/indicadores?year=2022&zone=rural&indicador=PDM-2301034")
    assert res.status_code == 200
    with QueryCounter() as larger:
        assert client.get("/indicadores").status_code == 200
    assert small.count == larger.count
    assert large.count <= small.count + 2  # the filter checks, not the data size


def test_dashboard_shows_cards_years_and_breakdowns(client, login, admin, plan):
    login(admin)
    _people(plan, 3)
    body = client.get("/indicadores").get_data(as_text=True)
    assert "3.200" in body and "350" in body and "315" in body  # es-CO thousands
    assert 'data-figure="achieved-PDM-2301031">3<' in body
    assert "Grupo de edad" in body and "Migrante" in body and "no informa" in body
    assert body.count("<svg") >= 12 and "<title" in body  # charts with text alternatives
    assert 'role="progressbar"' in body
    assert f"/indicadores/{BASIC}/personas?by=sex&amp;key=F" in body


def test_filters_apply_and_bad_ones_are_explained(client, login, analyst, plan):
    login(analyst)
    _people(plan, 2, year=2021)
    _people(plan, 1, year=2023, zone="rural")
    body = client.get("/indicadores?year=2023").get_data(as_text=True)
    assert 'data-figure="achieved-PDM-2301031">1<' in body
    body = client.get("/indicadores?zone=rural").get_data(as_text=True)
    assert 'data-figure="achieved-PDM-2301031">1<' in body
    res = client.get("/indicadores?year=abc&site=NOPE")
    assert res.status_code == 200
    text = res.get_data(as_text=True)
    assert "no es válido" in text and "No existe una sede" in text


@pytest.mark.parametrize("role,status", [("trainer", 403), ("analyst", 200), ("admin", 200)])
def test_roles(client, login, plan, role, status):
    login(factories.user(role=role))
    assert client.get("/indicadores").status_code == status
    assert client.get(f"/indicadores/{BASIC}/personas").status_code == status
    assert client.get("/indicadores/exportar.xlsx").status_code == status
    assert client.get("/indicadores/exportar.csv").status_code == status


def test_anonymous_is_sent_to_login(client, plan):
    res = client.get("/indicadores")
    assert res.status_code in (302, 401)


def test_admin_drill_down_shows_names_and_documents(client, login, admin, plan):
    login(admin)
    p = factories.person(first_names="Yurley", last_names="Contreras Rolón",
                         document_number="1090123456", sex="F")
    complete(p, plan["course"]["basic"], date(2022, 4, 4))
    complete(factories.person(sex="M"), plan["course"]["basic"], date(2022, 4, 5))
    body = client.get(f"/indicadores/{BASIC}/personas?by=sex&key=F").get_data(as_text=True)
    assert "Yurley Contreras Rolón" in body and "1090123456" in body
    assert 'id="people-total">1<' in body
    body = client.get(f"/indicadores/{BASIC}/personas?month=2022-04&year=2022").get_data(
        as_text=True)
    assert 'id="people-total">2<' in body


def test_analyst_drill_down_has_pseudonyms_and_no_names(client, login, analyst, plan):
    login(analyst)
    p = factories.person(first_names="Yurley", last_names="Contreras Rolón",
                         document_number="1090123456")
    complete(p, plan["course"]["basic"], date(2022, 4, 4))
    body = client.get(f"/indicadores/{BASIC}/personas").get_data(as_text=True)
    assert "Yurley" not in body and "Contreras" not in body and "1090123456" not in body
    pseudo = re.findall(r"P-[0-9A-F]{12}", body)
    assert len(pseudo) == 1 and pseudo[0] != f"P-{p.id}"
    # Stable: the same person gets the same pseudonym on every visit.
    again = client.get(f"/indicadores/{BASIC}/personas?year=2022").get_data(as_text=True)
    assert pseudo[0] in again


def test_drill_down_bad_input(client, login, admin, plan):
    login(admin)
    assert client.get("/indicadores/NOPE/personas").status_code == 404
    assert client.get(f"/indicadores/{BASIC}/personas?by=estrato&key=1").status_code == 422
    assert client.get(f"/indicadores/{BASIC}/personas?month=2022-13").status_code == 422
    assert client.get(f"/indicadores/{BASIC}/personas?until=2022").status_code == 422


def test_totals_link_to_the_people_behind_them(client, login, analyst, plan):
    login(analyst)
    _people(plan, 2, year=2021)
    _people(plan, 1, year=2022)
    body = client.get(f"/indicadores?year=2021&indicador={BASIC}").get_data(as_text=True)

    def follow(figure, shown):
        found = re.search(rf'<a href="([^"]+)" data-figure="{figure}"[^>]*>(\d+)</a>', body)
        assert found, figure
        assert found.group(2) == shown
        page = client.get(html.unescape(found.group(1))).get_data(as_text=True)
        return re.search(r'id="people-total">(\d+)<', page).group(1)

    # The period total (every year) and a breakdown's total (the year filtered on).
    assert follow(f"total-{BASIC}", "3") == "3"
    for dim in ("sex", "age_group", "site", "migrant"):
        assert follow(f"total-{dim}", "2") == "2"
    # The running total by month: one person completed in January 2021, two by February.
    assert follow("total-2021-01", "1") == "1"
    assert follow("total-2021-12", "2") == "2"
