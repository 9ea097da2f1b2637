"""``flask lms indicators``: the JSON contract and the readable table."""

import json
from datetime import date, datetime

from tests import factories
from tests.indicators.conftest import complete


def test_json_shape_is_the_contract(runner, plan):
    complete(factories.person(), plan["course"]["gob"], date(2021, 3, 3))
    result = runner.invoke(args=["lms", "indicators", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert list(data) == ["generated", "indicators"]
    datetime.fromisoformat(data["generated"].replace("Z", "+00:00"))
    assert [i["code"] for i in data["indicators"]] == ["PDM-2301031", "PDM-2301034", "PDM-2302033"]
    gob = data["indicators"][2]
    assert gob == {
        "code": "PDM-2302033",
        "name": "Personas capacitadas",
        "product": "2302033",
        "rule": "completed",
        "period": {"start": "2020-01-01", "end": "2023-12-31"},
        "goal": 315,
        "achieved": 1,
        "percent": 0.3,
        "by_year": {"2020": 0, "2021": 1, "2022": 0, "2023": 0},
    }
    assert data["indicators"][1]["rule"] == "certified"


def test_readable_table(runner, plan):
    complete(factories.person(), plan["course"]["basic"], date(2020, 3, 3))
    result = runner.invoke(args=["lms", "indicators", "--year", "2020"])
    assert result.exit_code == 0
    assert "Meta" in result.output and "Logro 2020" in result.output
    line = next(x for x in result.output.splitlines() if x.startswith("PDM-2301031 "))
    assert line.split()[3:6] == ["3.200", "1", "0,0"]


def test_table_writes_figures_as_colombians_do(runner, plan):
    """es-CO through Babel: a decimal comma (0,3, not 0.3) and a dot between thousands."""
    complete(factories.person(), plan["course"]["gob"], date(2021, 3, 3))
    data = json.loads(runner.invoke(args=["lms", "indicators", "--json"]).output)
    percent = data["indicators"][2]["percent"]
    assert 0 < percent < 1  # one person of 315: a figure with decimals
    result = runner.invoke(args=["lms", "indicators"])
    assert result.exit_code == 0
    line = next(x for x in result.output.splitlines() if x.startswith("PDM-2302033 "))
    assert f"{percent:.1f}".replace(".", ",") in line.split()
    assert f"{percent:.1f}" not in line
    basic = next(x for x in result.output.splitlines() if x.startswith("PDM-2301031 "))
    assert "3.200" in basic.split()


def test_bad_year_is_refused(runner, plan):
    result = runner.invoke(args=["lms", "indicators", "--year", "veinte"])
    assert result.exit_code != 0 and "--year" in result.output
