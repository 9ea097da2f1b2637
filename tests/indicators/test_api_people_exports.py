"""Drill-down, the monthly series and the exports over the API: the page's privacy rules
(analysts read age group, zone and year; no sensitive list under five people) and the
page's bytes, with their media types."""

import io
import re
from datetime import date

import openpyxl

from lms.auth.services import create_token
from lms.people.models import PersonSensitive
from tests import factories
from tests.indicators.conftest import complete

BASIC = "PDM-2301031"
#: When a file was generated: the page's and the API's copies differ only there.
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?Z?")


def _auth(user):
    return {"Authorization": f"Bearer {create_token(user, 'pruebas')}"}


def _victims(plan, n, first_day=4):
    site = factories.site(name="Biblioteca Julio Pérez Ferrero")
    for i in range(n):
        p = factories.person(area="Comuna 8", zone="rural", birth_date=date(1980, 1, 1),
                             document_number=f"7000{first_day + i:04d}")
        p.sensitive = PersonSensitive(victim=True, disability=True)
        complete(p, plan["course"]["basic"], date(2022, 4, first_day + i), site=site)


def test_analyst_reads_age_group_zone_and_year_only(client, analyst, plan):
    _victims(plan, 6)
    url = f"/api/v1/indicators/{BASIC}/people?by=victim&key=si&limit=4"
    r = client.get(url, headers=_auth(analyst))
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["total"] == 6 and len(body["items"]) == 4
    assert {tuple(sorted(item)) for item in body["items"]} == {
        ("age_group", "pseudonym", "year", "zone")}
    assert {(i["year"], i["age_group"], i["zone"]) for i in body["items"]} == {
        (2022, "29-59", "Rural")}
    assert r.headers["Link"] == f'<{body["next"]}>; rel="next"'
    rest = client.get(body["next"], headers=_auth(analyst)).get_json()
    assert len(rest["items"]) == 2 and rest["next"] is None
    assert "Biblioteca" not in r.get_data(as_text=True) + str(rest)


def test_no_sensitive_list_below_five_people(client, analyst, admin, plan):
    _victims(plan, 4)
    url = f"/api/v1/indicators/{BASIC}/people?by=disability&key=si"
    r = client.get(url, headers=_auth(analyst))
    assert r.status_code == 403 and r.mimetype == "application/problem+json"
    assert "menos de 5 personas" in r.get_json()["detail"] and "by" in r.get_json()["fields"]
    admin_view = client.get(url, headers=_auth(admin)).get_json()
    assert admin_view["total"] == 4
    first = admin_view["items"][0]
    assert first["event_date"] == "2022-04-04" and first["site"].startswith("Biblioteca")
    assert first["document_number"] == "70000004"
    _victims(plan, 2, first_day=20)
    assert client.get(url, headers=_auth(analyst)).status_code == 200
    one_month = client.get(f"{url}&month=2022-05", headers=_auth(analyst))
    assert one_month.status_code == 403


def test_drill_down_inputs_are_checked(client, admin, trainer, plan):
    base = f"/api/v1/indicators/{BASIC}/people"
    bad = client.get(f"{base}?month=2022-13", headers=_auth(admin))
    assert bad.status_code == 422 and "month" in bad.get_json()["fields"]
    assert client.get(f"{base}?by=planeta", headers=_auth(admin)).status_code == 422
    assert client.get(f"{base}?limit=0", headers=_auth(admin)).status_code == 422
    assert client.get("/api/v1/indicators/NO/people", headers=_auth(admin)).status_code == 404
    assert client.get(base, headers=_auth(trainer)).status_code == 403


def test_monthly_series_counts_and_accumulates(client, analyst, plan):
    _victims(plan, 3)
    complete(factories.person(), plan["course"]["basic"], date(2022, 6, 1))
    r = client.get(f"/api/v1/indicators/{BASIC}/monthly?year=2022", headers=_auth(analyst))
    months = {m["month"]: m for m in r.get_json()["months"]}
    assert months["2022-04"] == {"month": "2022-04", "count": 3, "total": 3}
    assert months["2022-06"]["total"] == 4 and all(m.startswith("2022-") for m in months)


def test_exports_are_the_pages_bytes_with_their_media_types(client, login, admin, analyst,
                                                            plan):
    _victims(plan, 6)
    login(analyst)
    pairs = [("/api/v1/indicators/export.csv", "/indicadores/exportar.csv"),
             ("/api/v1/indicators/export.csv?formato=rfc4180",
              "/indicadores/exportar.csv?formato=rfc4180"),
             ("/api/v1/indicators/dictionary.csv", "/indicadores/diccionario.csv"),
             ("/api/v1/open-data.csv", "/datos-abiertos/indicadores.csv"),
             ("/api/v1/open-data/dictionary.csv?formato=excel",
              "/datos-abiertos/diccionario.csv?formato=excel")]
    for api, page in pairs:
        got = client.get(api, headers=_auth(analyst))
        assert got.status_code == 200 and got.mimetype == "text/csv", api
        assert got.headers["ETag"]
        want = client.get(page).get_data(as_text=True)
        assert _STAMP.sub("T", got.get_data(as_text=True)) == _STAMP.sub("T", want), api
    bad = client.get("/api/v1/open-data.csv?formato=pdf", headers=_auth(analyst))
    assert bad.status_code == 422 and "formato" in bad.get_json()["fields"]


def test_the_xlsx_has_the_people_sheet_for_admins_only(client, admin, analyst, plan):
    _victims(plan, 6)
    sheets = {}
    for role, user in (("admin", admin), ("analyst", analyst)):
        r = client.get("/api/v1/indicators/export.xlsx?year=2022", headers=_auth(user))
        assert r.mimetype == ("application/vnd.openxmlformats-officedocument"
                              ".spreadsheetml.sheet")
        sheets[role] = openpyxl.load_workbook(io.BytesIO(r.data)).sheetnames
    assert set(sheets["admin"]) - set(sheets["analyst"]) == {"Personas"}
