"""CSV exports for Excel in Spanish and for programs (issue 15 part 9): byte order mark, «;»
and Spanish headers by default on the staff CSV, an RFC 4180 variant, a data dictionary, one
charset in the Content-Type, and counting rules in plain Spanish in the open data."""

import csv
import io
from datetime import date

import pytest

from lms.indicators import counting
from tests import factories
from tests.indicators.conftest import certify, complete

BOM = b"\xef\xbb\xbf"


@pytest.fixture
def figures(plan):
    site = factories.site(code="CAC-SUR", name="CAC Sur, Atalaya")
    for i in range(7):
        person = factories.person(sex="FM"[i % 2], first_names="Íñigo")
        complete(person, plan["course"]["basic"], date(2021, 4, 1 + i), site=site)
    certify(complete(factories.person(), plan["course"]["alfa"], date(2022, 2, 2)))
    return plan


def _parse(res, delimiter):
    return list(csv.reader(io.StringIO(res.data.decode("utf-8-sig")), delimiter=delimiter))


def test_staff_csv_is_for_excel_in_spanish_by_default(client, login, analyst, figures):
    login(analyst)
    res = client.get("/indicadores/exportar.csv")
    assert res.status_code == 200
    assert res.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert res.data.startswith(BOM)
    rows = _parse(res, ";")
    assert rows[0] == ["Código del indicador", "Indicador", "Periodo", "Filtros", "Tabla",
                       "Clave", "Categoría", "Valor"]
    assert all(len(row) == 8 for row in rows)
    basic = {(r[4], r[5]): r[7] for r in rows[1:] if r[0] == "PDM-2301031"}
    assert basic[("resumen", "logro")] == "7"
    # 7 of 3200 is 0.2 %: a decimal comma, as Excel set to Spanish reads numbers.
    assert basic[("resumen", "porcentaje")] == "0,2"
    assert basic[("sexo", "F")] == "4" and basic[("sede", "CAC-SUR")] == "7"
    tables = {r[4] for r in rows[1:]}
    assert {"sexo", "grupo_edad", "zona", "sede", "curso", "anio", "resumen"} <= tables
    assert not tables & set(counting.DIMENSIONS)  # no English keys (sex, age_group…)
    # Accents survive the byte order mark; the site's comma stays inside its cell.
    assert "CAC Sur, Atalaya" in {r[6] for r in rows}


def test_staff_csv_rfc4180_variant_for_programs(client, login, analyst, figures):
    login(analyst)
    res = client.get("/indicadores/exportar.csv?formato=rfc4180")
    assert res.status_code == 200
    assert res.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert not res.data.startswith(BOM)
    assert b"\r\n" in res.data and res.data.count(b"\r\n") == res.data.count(b"\n")
    rows = _parse(res, ",")
    assert rows[0] == ["indicador", "nombre", "periodo", "filtros", "tabla", "clave",
                       "categoria", "valor"]
    basic = {(r[4], r[5]): r[7] for r in rows[1:] if r[0] == "PDM-2301031"}
    assert basic[("resumen", "porcentaje")] == "0.2"


def test_unknown_format_is_refused_in_spanish(client, login, analyst, figures):
    login(analyst)
    res = client.get("/indicadores/exportar.csv?formato=tsv")
    assert res.status_code == 422
    assert "formato" in res.get_data(as_text=True) and "tsv" in res.get_data(as_text=True)
    assert client.get("/datos-abiertos/indicadores.csv?formato=xml").status_code == 422


@pytest.mark.parametrize("fmt, delimiter", [("excel", ";"), ("rfc4180", ",")])
def test_the_dictionary_explains_every_column(client, login, analyst, figures, fmt, delimiter):
    login(analyst)
    header = _parse(client.get(f"/indicadores/exportar.csv?formato={fmt}"), delimiter)[0]
    res = client.get(f"/indicadores/diccionario.csv?formato={fmt}")
    assert res.status_code == 200
    assert res.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert res.data.startswith(BOM) == (fmt == "excel")
    entries = _parse(res, delimiter)[1:]
    named = [row[0] if fmt == "rfc4180" else row[1] for row in entries]
    assert named == header
    assert all(len(row[2]) > 15 for row in entries)
    tabla = next(row[2] for row in entries if row[0] == "tabla")
    for dim in counting.DIMENSIONS.values():
        assert dim.slug in tabla


def test_dashboard_links_both_variants_and_the_dictionary(client, login, analyst, figures):
    login(analyst)
    body = client.get("/indicadores").get_data(as_text=True)
    assert "/indicadores/exportar.csv?formato=rfc4180" in body
    assert "/indicadores/diccionario.csv" in body


def test_open_data_csv_one_charset_and_plain_spanish_rules(client, figures):
    res = client.get("/datos-abiertos/indicadores.csv")
    assert res.status_code == 200
    assert res.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert not res.data.startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(res.get_data(as_text=True))))
    rules = {r["codigo_indicador"]: r["regla"] for r in rows}
    assert rules["PDM-2301031"] == counting.RULE_TEXT["completed"]
    assert rules["PDM-2301034"] == counting.RULE_TEXT["certified"]
    assert not {"completed", "certified"} & set(rules.values())
    dictionary = client.get("/datos-abiertos/diccionario.csv")
    assert dictionary.headers["Content-Type"] == "text/csv; charset=utf-8"
    regla = next(r["descripcion"] for r in csv.DictReader(io.StringIO(dictionary.get_data(
        as_text=True))) if r["columna"] == "regla")
    assert "completed" not in regla and "certificado vigente" in regla


def test_open_data_excel_variant(client, figures):
    res = client.get("/datos-abiertos/indicadores.csv?formato=excel")
    assert res.status_code == 200 and res.data.startswith(BOM)
    assert res.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = _parse(res, ";")
    assert rows[0][0] == "codigo_indicador" and len(rows[1]) == len(rows[0])
