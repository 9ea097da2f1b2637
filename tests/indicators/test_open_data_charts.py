"""Charts on the open-data page (issue 15 part 10): people by year against the goal, by zone
and by sex, next to the downloads, each with its table, showing exactly what the CSV publishes
and drawing nothing that would reveal a suppressed cell."""

import csv
import io
import re
from datetime import date
from html import unescape

import pytest

from tests import factories
from tests.indicators.conftest import complete

BASIC = "PDM-2301031"


@pytest.fixture
def secret(plan):
    site = factories.site(name="CAC Centro")
    for i in range(12):
        person = factories.person(sex="F", zone="urbana", document_number=f"66{i:06d}")
        complete(person, plan["course"]["basic"], date(2021, 3, 1), site=site)
    for _ in range(3):
        complete(factories.person(sex="M", zone="rural"), plan["course"]["basic"],
                 date(2022, 3, 1), site=site)
    return plan


def _svgs(body: str) -> dict[str, str]:
    """{chart title: svg markup}."""
    return {unescape(m.group(2)): m.group(0) for m in re.finditer(
        r'<svg class="ind-chart".*?<title id="([^"]+)">([^<]*)</title>.*?</svg>', body, re.S)}


def _tables(body: str) -> dict[str, dict[str, str]]:
    """{table id: {category: shown}} of the tables beside the charts."""
    out = {}
    for m in re.finditer(r'<table class="table table-sm small" id="([^"]+)-table">(.*?)</table>',
                         body, re.S):
        out[m.group(1)] = {unescape(k): unescape(v) for k, v in re.findall(
            r'<th scope="row">([^<]*)</th><td class="text-end" data-shown="([^"]*)"', m.group(2))}
    return out


def _csv_cells(client) -> dict:
    rows = csv.DictReader(io.StringIO(client.get("/datos-abiertos/indicadores.csv").get_data(
        as_text=True)))
    return {(r["codigo_indicador"], r["tabla"], r["categoria"]): r["personas"] for r in rows}


def test_charts_show_what_the_csv_publishes(client, secret):
    res = client.get("/datos-abiertos")
    assert res.status_code == 200
    body = res.get_data(as_text=True)
    charts, tables = _svgs(body), _tables(body)
    assert len(charts) == 9 and len(tables) == 9  # 3 indicators x (years, zone, sex)
    published = _csv_cells(client)
    slugs = {1: "anio", 2: "zona", 3: "sexo"}
    codes = [BASIC, "PDM-2301034", "PDM-2302033"]
    for table_id, cells in tables.items():
        _, ind, chart = table_id.split("-")
        code, slug = codes[int(ind) - 1], slugs[int(chart)]
        for category, shown in cells.items():
            if category == "Meta":
                assert shown == {"PDM-2301031": "3200"}.get(code, shown)
            elif category == "Total del periodo":
                assert shown == published[(code, "total", "total")]
            else:
                assert shown == published[(code, slug, category)], (code, slug, category)
    basic_sex = tables["od-1-3"]
    assert basic_sex["Masculino"] == "<5" and basic_sex["Femenino"] == "reservado"
    assert tables["od-1-2"]["Rural"] == "<5" and tables["od-1-2"]["Urbana"] == "reservado"
    assert tables["od-1-1"]["2022"] == "<5" and tables["od-1-1"]["2021"] == "reservado"


def test_charts_reveal_no_hidden_number(client, secret):
    charts = _svgs(client.get("/datos-abiertos").get_data(as_text=True))
    sex = next(svg for title, svg in charts.items() if title.startswith("Sexo") and BASIC in title)
    texts = [unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", sex)]
    numbers = {int(n) for t in texts for n in re.findall(r"\d+", t)}
    # Only the published zeros, and the bounds of «<5»: not the 12 women nor the 3 men.
    assert numbers <= {0, 1, 4, 5}
    # The «<5» mark has one fixed width; the reserved cell has no bar at all.
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', sex)]
    assert 6.0 in widths and all(w == 6.0 or w == 0.0 for w in widths)
    desc = re.search(r"<desc[^>]*>([^<]*)</desc>", sex).group(1)
    assert "Masculino: &lt;5" in desc and "Femenino: reservado" in desc


def test_year_chart_is_against_the_goal(client, plan):
    for i in range(7):
        complete(factories.person(), plan["course"]["basic"], date(2020 + i % 3, 5, 1))
    body = client.get("/datos-abiertos").get_data(as_text=True)
    years = _tables(body)["od-1-1"]
    assert years["Meta"] == "3200" and years["Total del periodo"] == "7"
    chart = next(svg for title, svg in _svgs(body).items()
                 if title.startswith("Personas por año") and BASIC in title)
    # The goal's bar is the longest (scale to 3200) and drawn in its own colour.
    assert 'width="250.0"' in chart and 'fill="#842029"' in chart
