"""Open data (Ley 1712): public, aggregate, small cells and their complements suppressed."""

import csv
import io
from datetime import date

from lms.indicators.opendata import suppress
from tests import factories
from tests.indicators.conftest import complete

BASIC = "PDM-2301031"


def _rows(client):
    res = client.get("/datos-abiertos/indicadores.csv")
    assert res.status_code == 200
    return res.get_data(as_text=True), list(csv.DictReader(io.StringIO(res.get_data(as_text=True))))


def test_page_and_dictionary_are_public(client, plan):
    res = client.get("/datos-abiertos")
    assert res.status_code == 200
    body = res.get_data(as_text=True)
    assert "Ley 1712" in body and "personas" in body and "reservado" in body
    res = client.get("/datos-abiertos/diccionario.csv")
    assert res.status_code == 200
    names = [r["columna"] for r in csv.DictReader(io.StringIO(res.get_data(as_text=True)))]
    header = client.get("/datos-abiertos/indicadores.csv").get_data(as_text=True).splitlines()[0]
    assert header.split(",") == names


def test_small_cells_and_their_complements_are_suppressed(client, plan):
    basic = plan["course"]["basic"]
    site = factories.site(name="CAC Centro")
    for i in range(12):
        person = factories.person(sex="F", first_names="Secreta", document_number=f"77{i:06d}")
        complete(person, basic, date(2021, 3, 1), site=site)
    for _ in range(3):
        complete(factories.person(sex="M"), basic, date(2022, 3, 1), site=site)
    text, rows = _rows(client)
    assert "Secreta" not in text and "77000001" not in text
    cells = {(r["tabla"], r["categoria"]): r["personas"] for r in rows
             if r["codigo_indicador"] == BASIC}
    assert cells[("total", "total")] == "15"
    # 3 men alone would be 15 - 12: the 12 women are hidden as well.
    assert cells[("sexo", "Masculino")] == "<5"
    assert cells[("sexo", "Femenino")] == "reservado"
    assert cells[("sexo", "Intersexual")] == "0"
    assert cells[("anio", "2022")] == "<5" and cells[("anio", "2021")] == "reservado"
    assert cells[("anio", "2020")] == "0"
    assert cells[("sede", "CAC Centro")] == "15"
    for (table, _), value in cells.items():
        assert value in ("0", "<5", "reservado") or int(value) >= 5, table


def test_tiny_total_is_suppressed(client, plan):
    complete(factories.person(), plan["course"]["gob"], date(2021, 3, 1))
    _, rows = _rows(client)
    gob = {(r["tabla"], r["categoria"]): r["personas"] for r in rows
           if r["codigo_indicador"] == "PDM-2302033"}
    assert gob[("total", "total")] == "<5" and gob[("anio", "2021")] == "<5"


def test_suppression_cannot_be_undone_from_totals():
    assert suppress([3, 10], 13) == ["<5", "reservado"]
    assert suppress([1, 5, 100], 106) == ["<5", "reservado", "reservado"]
    assert suppress([4, 4, 0], 8) == ["<5", "<5", "<5"]
    assert suppress([2, 3, 20], 25) == ["<5", "<5", "20"]
    assert suppress([7, 8, 0], 15) == ["7", "8", "0"]
