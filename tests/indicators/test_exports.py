"""XLSX and CSV exports: the dashboard's figures, people only for admins."""

import csv
import io
from datetime import date, datetime, timedelta

from openpyxl import load_workbook

from lms.timeutil import utcnow
from tests import factories
from tests.indicators.conftest import certify, complete


def _data(plan):
    site = factories.site(code="CAC-ATALAYA", name="CAC Atalaya")
    for i, day in enumerate((date(2020, 5, 1), date(2021, 5, 1), date(2021, 6, 1))):
        p = factories.person(first_names=f"Persona{i}", last_names="Prueba", sex="FMF"[i])
        complete(p, plan["course"]["basic"], day, site=site)
    certify(complete(factories.person(first_names="Certi"), plan["course"]["alfa"],
                     date(2023, 2, 2)))


def _sheet_pairs(ws):
    return [(r[0], r[1]) for r in ws.iter_rows(values_only=True) if r and r[0] is not None]


def test_xlsx_for_admin_has_figures_and_people(client, login, admin, plan):
    login(admin)
    _data(plan)
    res = client.get("/indicadores/exportar.xlsx")
    assert res.status_code == 200
    assert res.headers["Content-Disposition"].startswith("attachment; filename=indicadores-")
    wb = load_workbook(io.BytesIO(res.data))
    assert wb.sheetnames == ["PDM-2301031", "PDM-2301034", "PDM-2302033", "Personas"]
    ws = wb["PDM-2301031"]
    assert ws["A1"].value.startswith("PDM-2301031")
    assert ws["B4"].value == "01/01/2020 a 31/12/2023"
    assert ws["A6"].value == "Generado" and ws["B6"].value
    assert ws["A8"].font.bold and ws["A8"].value == "Meta"
    assert (ws["A9"].value, ws["B9"].value) == (3200, 3)
    assert ws.column_dimensions["A"].width == 48
    pairs = _sheet_pairs(ws)
    assert (2020, 1) in pairs and (2021, 2) in pairs and ("Total del periodo", 3) in pairs
    assert ("Femenino", 2) in pairs and ("Masculino", 1) in pairs and ("CAC Atalaya", 3) in pairs
    people = list(wb["Personas"].iter_rows(min_row=5, values_only=True))
    names = {(r[0], r[5]) for r in people}
    assert ("PDM-2301031", "Persona1") in names and ("PDM-2301034", "Certi") in names
    assert len(people) == 4


def test_xlsx_for_analyst_has_no_people_sheet(client, login, analyst, plan):
    login(analyst)
    _data(plan)
    wb = load_workbook(io.BytesIO(client.get("/indicadores/exportar.xlsx?year=2021").data))
    assert "Personas" not in wb.sheetnames
    ws = wb["PDM-2301031"]
    assert ws["B9"].value == 2 and ws["B5"].value == "Año: 2021"
    for row in ws.iter_rows(values_only=True):
        names = [v for v in row if isinstance(v, str) and v.startswith("Persona")]
        assert all(not v[-1].isdigit() for v in names)


def test_csv_has_the_same_tables(client, login, analyst, plan):
    login(analyst)
    _data(plan)
    res = client.get("/indicadores/exportar.csv?zone=urbana&formato=rfc4180")
    assert res.status_code == 200 and res.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(res.get_data(as_text=True))))
    basic = [r for r in rows if r["indicador"] == "PDM-2301031"]
    get = {(r["tabla"], r["clave"]): r["valor"] for r in basic}
    assert get[("resumen", "logro")] == "3" and get[("resumen", "meta")] == "3200"
    assert get[("resumen", "periodo")] == "2020-01-01 a 2023-12-31"
    generated = datetime.strptime(get[("resumen", "generado")], "%Y-%m-%d %H:%M UTC")
    assert abs(generated - utcnow()) < timedelta(minutes=2)
    assert get[("anio", "2021")] == "2" and get[("sexo", "F")] == "2"
    assert get[("sede", "CAC-ATALAYA")] == "3"
    assert "Persona0" not in res.get_data(as_text=True)
