"""The dashboard and the exports compute every breakdown in one pass: same rows as breakdown()."""

import csv
import html
import io
import re
from datetime import date

import pytest

from lms.extensions import db
from lms.indicators import counting
from lms.people.models import PersonSensitive
from tests import factories
from tests.indicators.conftest import certify, complete

FILTERS = [
    {},
    {"year": "2021"},
    {"zone": "rural"},
    {"site": "SEDE-NORTE"},
    {"course": "TIC-BASICO-2"},
    {"year": "2021", "site": "SEDE-SUR", "zone": "urbana"},
]


@pytest.fixture
def varied(plan):
    """People spread over every dimension, a person in two courses, revoked and corrected chains."""
    north = factories.site(code="SEDE-NORTE", name="Sede Norte")
    south = factories.site(code="SEDE-SUR", name="Sede Sur", zone="rural", area="Corregimiento 2")
    basic2 = factories.course(code="TIC-BASICO-2", name="TIC básico II", product_code="2301031")
    sexes = ["F", "M", None, "F", "M"]
    births = [date(2008, 6, 1), date(1999, 3, 3), date(1970, 1, 1), date(1950, 2, 2), None]
    sensitive = [
        {"ethnic_group": "indigena", "disability": True, "victim": False, "migrant": None},
        {"ethnic_group": "", "disability": False, "victim": True, "migrant": True},
        None,
        {"ethnic_group": None, "disability": None, "victim": None, "migrant": False},
    ]
    for i in range(23):
        p = factories.person(
            sex=sexes[i % 5],
            birth_date=births[i % 5],
            zone=("urbana", "rural", None)[i % 3],
            area=("Comuna 1", "Comuna 8", None, "Corregimiento 2")[i % 4],
        )
        if sensitive[i % 4] is not None:
            db.session.add(PersonSensitive(person_id=p.id, **sensitive[i % 4]))
        day = date(2020 + i % 4, 1 + i % 12, 1 + i % 28)
        site = (north, south)[i % 2]
        complete(p, (plan["course"]["basic"], basic2)[i % 3 == 0], day, site=site)
        if i % 5 == 0:  # a second, later course of the same product at the other site
            complete(p, basic2, date(2023, 12, 31), site=(south, north)[i % 2])
        alfa = complete(p, plan["course"]["alfa"], day, site=site)
        first = certify(alfa, revoked=i % 7 == 0)
        if i % 6 == 0:  # a correction whose latest document is revoked: the chain is invalid
            certify(alfa, revoked=True, supersedes=first)
        if i % 4 == 1:
            complete(p, plan["course"]["gob"], date(2019, 12, 31), site=site)  # outside
            complete(p, plan["course"]["gob"], day, site=site)
    db.session.flush()
    return plan


def _expected(ind, filters):
    return {name: counting.breakdown(ind, name, filters) for name in counting.DIMENSIONS}


@pytest.mark.parametrize("args", FILTERS)
def test_one_pass_equals_each_breakdown(varied, args):
    filters = counting.Filters(**{k: int(v) if k == "year" else v for k, v in args.items()})
    for ind in counting.list_indicators():
        expected = _expected(ind, filters)
        assert counting.breakdowns(ind, filters) == expected
        achieved = counting.summary(ind, filters).achieved
        assert all(sum(r["count"] for r in rows) == achieved for rows in expected.values())
    assert counting.summary(counting.list_indicators()[0], filters).achieved > 0


def _dashboard_tables(body: str) -> dict[str, list[tuple[str, int]]]:
    tables = {}
    for name in counting.DIMENSIONS:
        table = re.search(rf'id="table-{name}">(.*?)</tbody>', body, re.S).group(1)
        cells = re.findall(r'<th scope="row" class="fw-normal">(.*?)</th>\s*<td[^>]*>(.*?)</td>',
                           table, re.S)
        tables[name] = [
            (html.unescape(label), int(re.sub(r"<[^>]+>", "", count))) for label, count in cells
        ]
    return tables


@pytest.mark.parametrize("args", FILTERS)
def test_dashboard_tables_equal_each_breakdown(client, login, analyst, varied, args):
    login(analyst)
    filters = counting.Filters(**{k: int(v) if k == "year" else v for k, v in args.items()})
    for ind in counting.list_indicators():
        res = client.get("/indicadores", query_string={**args, "indicador": ind.code})
        assert res.status_code == 200
        shown = _dashboard_tables(res.get_data(as_text=True))
        for name, rows in _expected(ind, filters).items():
            assert shown[name] == [(r["label"], r["count"]) for r in rows], (ind.code, name)
        assert sum(n for _, n in shown["site"]) == counting.summary(ind, filters).achieved


def test_csv_export_tables_equal_each_breakdown(client, login, admin, varied):
    login(admin)
    filters = counting.Filters(zone="urbana")
    res = client.get("/indicadores/exportar.csv?zone=urbana")
    assert res.status_code == 200
    got: dict = {}
    for row in csv.DictReader(io.StringIO(res.get_data(as_text=True))):
        if row["tabla"] in counting.DIMENSIONS:
            got.setdefault((row["indicador"], row["tabla"]), []).append(
                (row["clave"], row["categoria"], int(row["valor"])))
    for ind in counting.list_indicators():
        for name, rows in _expected(ind, filters).items():
            assert got[(ind.code, name)] == [(r["key"], r["label"], r["count"]) for r in rows]
