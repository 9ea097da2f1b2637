"""GET /api/v1/indicators and the breakdown endpoint: same figures as the CLI, roles, errors."""

import json
from datetime import date

from lms.auth.services import create_token
from lms.indicators.counting import DIMENSIONS
from tests import factories
from tests.indicators.conftest import certify, complete

BASIC = "PDM-2301031"


def bearer(user):
    return {"Authorization": f"Bearer {create_token(user, 'pruebas')}"}


def _data(plan):
    basic = plan["course"]["basic"]
    rural = factories.site(zone="rural", area="Palmarito", code="S-RURAL", name="Salón Palmarito")
    complete(factories.person(sex="F", birth_date=date(2005, 6, 1)), basic, date(2021, 5, 31))
    complete(factories.person(sex="M", birth_date=date(1950, 1, 1), zone="rural",
                              area="Palmarito"), basic, date(2022, 2, 2), site=rural)
    complete(factories.person(sex="M", birth_date=None, zone=None), basic, date(2023, 1, 1))
    e = complete(factories.person(), plan["course"]["alfa"], date(2020, 8, 8))
    certify(e)


def test_report_matches_cli_json(client, runner, analyst, plan):
    _data(plan)
    res = client.get("/api/v1/indicators", headers=bearer(analyst))
    assert res.status_code == 200
    api = res.get_json()
    cli = json.loads(runner.invoke(args=["lms", "indicators", "--json"]).output)
    assert set(api) == {"generated", "indicators"}
    assert [i | {"x": 0} for i in api["indicators"]] == [i | {"x": 0} for i in cli["indicators"]]
    first = api["indicators"][0]
    assert list(first) == [
        "code", "name", "product", "rule", "period", "goal", "achieved", "percent", "by_year"
    ]
    assert first["achieved"] == 3 and first["by_year"] == {
        "2020": 0, "2021": 1, "2022": 1, "2023": 1
    }
    res = client.get("/api/v1/indicators?year=2022", headers=bearer(analyst))
    assert res.get_json()["indicators"][0]["achieved"] == 1


def test_breakdowns_share_out_the_achieved_people(client, admin, plan):
    _data(plan)
    headers = bearer(admin)
    for by in DIMENSIONS:
        res = client.get(f"/api/v1/indicators/{BASIC}/breakdown?by={by}", headers=headers)
        assert res.status_code == 200, by
        body = res.get_json()
        assert sum(r["count"] for r in body["rows"]) == body["achieved"] == 3, by
    ages = client.get(f"/api/v1/indicators/{BASIC}/breakdown?by=age_group", headers=headers)
    counts = {r["key"]: r["count"] for r in ages.get_json()["rows"]}
    # 2005-06-01 is 15 on 2021-05-31; 1950-01-01 is 72 in 2022; no birth date -> no informa.
    assert counts == {"<18": 1, "18-28": 0, "29-59": 0, "60+": 1, "no informa": 1}
    zone = client.get(f"/api/v1/indicators/{BASIC}/breakdown?by=zone&year=2022", headers=headers)
    assert {r["key"]: r["count"] for r in zone.get_json()["rows"]}["rural"] == 1
    site = client.get(f"/api/v1/indicators/{BASIC}/breakdown?by=site&site=S-RURAL",
                      headers=headers)
    assert site.get_json()["rows"] == [{"key": "S-RURAL", "label": "Salón Palmarito", "count": 1}]


def test_bad_input_gets_422_with_fields(client, analyst, plan):
    headers = bearer(analyst)
    res = client.get(f"/api/v1/indicators/{BASIC}/breakdown?by=estrato", headers=headers)
    assert res.status_code == 422
    assert "by" in res.get_json()["fields"]
    res = client.get(f"/api/v1/indicators/{BASIC}/breakdown", headers=headers)
    assert res.status_code == 422 and "by" in res.get_json()["fields"]
    res = client.get("/api/v1/indicators?year=dos-mil&zone=lunar", headers=headers)
    assert res.status_code == 422
    assert set(res.get_json()["fields"]) == {"year", "zone"}
    res = client.get("/api/v1/indicators/NO-EXISTE/breakdown?by=sex", headers=headers)
    assert res.status_code == 404


def test_roles(client, trainer, plan):
    assert client.get("/api/v1/indicators").status_code == 401
    res = client.get("/api/v1/indicators", headers=bearer(trainer))
    assert res.status_code == 403
    res = client.get(f"/api/v1/indicators/{BASIC}/breakdown?by=sex", headers=bearer(trainer))
    assert res.status_code == 403


def test_openapi_documents_both_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    # The document's path keys may or may not carry the /api/v1 prefix of the server URL.
    by_suffix = {k.removeprefix("/api/v1"): v for k, v in paths.items()}
    assert "get" in by_suffix["/indicators"]
    assert "get" in by_suffix["/indicators/{code}/breakdown"]


def test_age_group_turns_on_the_birthday(client, admin, plan):
    basic = plan["course"]["basic"]
    for birth, event in (
        (date(2003, 5, 10), date(2021, 5, 9)),  # 17
        (date(2003, 5, 10), date(2021, 5, 10)),  # 18
        (date(1961, 12, 31), date(2021, 12, 30)),  # 59
        (date(1961, 12, 31), date(2021, 12, 31)),  # 60
    ):
        complete(factories.person(birth_date=birth), basic, event)
    res = client.get(f"/api/v1/indicators/{BASIC}/breakdown?by=age_group", headers=bearer(admin))
    counts = {r["key"]: r["count"] for r in res.get_json()["rows"]}
    assert counts == {"<18": 1, "18-28": 1, "29-59": 1, "60+": 1, "no informa": 0}


def test_anonymising_keeps_everyone_in_their_age_group(client, admin, plan, db):
    basic, headers = plan["course"]["basic"], bearer(admin)
    cases = (  # birth, completion, the birth date kept: the vaguest that keeps the group
        (date(2003, 5, 10), date(2021, 3, 1), date(2003, 5, 1)),  # 17; 1 January would be 18
        (date(2003, 3, 2), date(2021, 3, 1), date(2003, 3, 2)),  # 17; the 1st would be 18
        (date(1990, 8, 20), date(2021, 4, 4), date(1990, 1, 1)),  # 30 either way
    )
    people = [factories.person(birth_date=birth) for birth, _, _ in cases]
    for person, (_, day, _) in zip(people, cases, strict=True):
        complete(person, basic, day)

    def ages():
        res = client.get(f"/api/v1/indicators/{BASIC}/breakdown?by=age_group", headers=headers)
        return {r["key"]: r["count"] for r in res.get_json()["rows"]}

    assert ages() == {"<18": 2, "18-28": 0, "29-59": 1, "60+": 0, "no informa": 0}
    for person in people:
        assert client.delete(f"/api/v1/people/{person.id}", headers=headers).status_code == 200
    assert ages() == {"<18": 2, "18-28": 0, "29-59": 1, "60+": 0, "no informa": 0}
    db.session.expire_all()
    assert [p.birth_date for p in people] == [kept for _, _, kept in cases]
