"""Breakdowns (one pass, one by one, dashboard, CSV) against an independent count in Python."""

import csv
import html
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from lms.certificates.models import Certificate
from lms.courses.models import Enrollment
from lms.extensions import db
from lms.indicators import counting
from lms.people.models import SEXES, ZONES, PersonSensitive
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


AGE_LIMITS = ((18, "<18"), (29, "18-28"), (60, "29-59"))  # GUIDE.md's groups; 60+ above


def _age_group(birth, day):
    if birth is None:
        return counting.NO_INFO
    age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
    return next((label for limit, label in AGE_LIMITS if age < limit), "60+")


def _flag(value):
    return {True: "si", False: "no"}.get(value, counting.NO_INFO)


def _oracle(ind, filters):
    """The counting rules of GUIDE.md, computed in Python from the ORM rows: for each
    dimension, {key: (label, people)} over each person's first qualifying event."""
    events = []
    for e in db.session.scalars(select(Enrollment)):
        course = e.cohort.course
        if course.product_code != ind.product_code or e.completed_on is None:
            continue
        if not ind.period_start <= e.completed_on <= ind.period_end:
            continue
        docs = db.session.scalars(select(Certificate).filter_by(enrollment_id=e.id)).all()
        if ind.rule == "certified" and not any(
            d.superseded_by_id is None and d.revoked_at is None for d in docs
        ):
            continue
        events.append(e)
    first = {}
    for e in sorted(events, key=lambda e: (e.completed_on, e.id)):
        first.setdefault(e.person_id, e)
    cells = {name: {} for name in counting.DIMENSIONS}
    for e in first.values():
        p, site, course = e.person, e.cohort.site, e.cohort.course
        s = db.session.get(PersonSensitive, p.id)
        if filters.year and e.completed_on.year != filters.year:
            continue
        wanted = {"zone": p.zone, "site": site.code, "course": course.code}
        if any(getattr(filters, k) and getattr(filters, k) != v for k, v in wanted.items()):
            continue
        keys = {
            "sex": (p.sex or counting.NO_INFO, SEXES.get(p.sex)),
            "age_group": (_age_group(p.birth_date, e.completed_on), None),
            "zone": (p.zone or counting.NO_INFO, ZONES.get(p.zone)),
            "area": (p.area or counting.NO_INFO, None),
            "site": (site.code, site.name),
            "course": (course.code, course.name),
            "ethnic": ((s.ethnic_group if s else None) or counting.NO_INFO, None),
        }
        for flag in ("disability", "victim", "migrant"):
            key = _flag(getattr(s, flag) if s else None)
            keys[flag] = (key, {"si": "Sí", "no": "No"}.get(key))
        for name, (key, label) in keys.items():
            _, n = cells[name].get(key, (None, 0))
            cells[name][key] = (label or key, n + 1)
    return cells


def _counted(rows):
    return {r["key"]: (r["label"], r["count"]) for r in rows if r["count"]}


@pytest.mark.parametrize("args", FILTERS)
def test_breakdowns_match_an_independent_count(varied, args):
    filters = counting.Filters(**{k: int(v) if k == "year" else v for k, v in args.items()})
    for ind in counting.list_indicators():
        expected = _oracle(ind, filters)
        one_pass = counting.breakdowns(ind, filters)
        for name in counting.DIMENSIONS:
            assert _counted(one_pass[name]) == expected[name], (ind.code, name)
            assert _counted(counting.breakdown(ind, name, filters)) == expected[name]
        achieved = counting.summary(ind, filters).achieved
        assert all(sum(n for _, n in cells.values()) == achieved for cells in expected.values())
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
        for name, cells in _oracle(ind, filters).items():
            assert {label: n for label, n in shown[name] if n} == dict(cells.values()), name
        assert sum(n for _, n in shown["site"]) == counting.summary(ind, filters).achieved


def test_csv_export_tables_equal_each_breakdown(client, login, admin, varied):
    login(admin)
    filters = counting.Filters(zone="urbana")
    res = client.get("/indicadores/exportar.csv?zone=urbana&formato=rfc4180")
    assert res.status_code == 200
    got: dict = {}
    names = {dim.slug: name for name, dim in counting.DIMENSIONS.items()}
    for row in csv.DictReader(io.StringIO(res.get_data(as_text=True))):
        if row["tabla"] in names:
            got.setdefault((row["indicador"], names[row["tabla"]]), []).append(
                (row["clave"], row["categoria"], int(row["valor"])))
    for ind in counting.list_indicators():
        for name, cells in _oracle(ind, filters).items():
            rows = got[(ind.code, name)]
            assert {k: (label, n) for k, label, n in rows if n} == cells, (ind.code, name)
