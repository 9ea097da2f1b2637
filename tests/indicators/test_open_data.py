"""Open data (Ley 1712): public, aggregate, small cells and their complements suppressed."""

import csv
import io
from datetime import date
from itertools import product

from lms.indicators.opendata import RESERVED, SMALL, suppress
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
    # The page says what suppress() does: «<5» is 1 to 4, never a hidden zero.
    assert "nunca significa cero" in body and "se reserva entera" in body
    assert "incluidos los ceros" in body
    res = client.get("/datos-abiertos/diccionario.csv")
    assert res.status_code == 200
    dictionary = list(csv.DictReader(io.StringIO(res.get_data(as_text=True))))
    people = next(r["descripcion"] for r in dictionary if r["columna"] == "personas")
    assert "entre 1 y 4" in people and "5 o más" in people and "tabla entera" in people
    names = [r["columna"] for r in dictionary]
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
    assert suppress([2, 3, 20], 25) == ["<5", "<5", "20"]
    assert suppress([7, 8, 0], 15) == ["7", "8", "0"]


def test_tables_that_stay_solvable_are_withheld_whole():
    # <5 + reservado = 6 forces 1 and 5; two <5 summing to 8 force 4 and 4; 1 + 1 + 5 = 7.
    assert suppress([1, 5], 6) == ["reservado", "reservado"]
    assert suppress([4, 4], 8) == ["reservado", "reservado"]
    assert suppress([1, 1, 5], 7) == ["reservado"] * 3
    # Zeros are never shown as «<5»: a table that needs them hidden is withheld.
    assert suppress([4, 4, 0], 8) == ["reservado"] * 3


def _readings(shown: list[str], total: int):
    """Every table a reader could infer from the published cells and the dictionary's words."""
    withheld = SMALL not in shown and RESERVED in shown
    ranges = []
    for value in shown:
        if value == SMALL:
            ranges.append(range(1, 5))
        elif value == RESERVED:
            ranges.append(range(0 if withheld else 5, total + 1))
        else:
            ranges.append([int(value)])
    return [c for c in product(*ranges) if sum(c) == total]


def test_no_published_table_can_be_worked_out_from_the_total():
    for size in (2, 3, 4):
        for counts in product(range(0, 10), repeat=size):
            total = sum(counts)
            if total < 5:
                continue
            shown = suppress(list(counts), total)
            readings = _readings(shown, total)
            assert tuple(counts) in readings, (counts, shown)  # the words describe the data
            for i, value in enumerate(shown):
                if value in (SMALL, RESERVED):
                    assert len({r[i] for r in readings}) > 1, (counts, shown, i)


def test_whole_table_is_withheld_in_the_csv(client, plan):
    basic = plan["course"]["basic"]
    for sex in "FFFFFM":
        complete(factories.person(sex=sex), basic, date(2021, 3, 1))
    _, rows = _rows(client)
    cells = {(r["tabla"], r["categoria"]): r["personas"] for r in rows
             if r["codigo_indicador"] == BASIC}
    # 5 women + 1 man = 6 would give 1 and 5 back: every sex cell, zeros too, is withheld.
    sexes = {k: v for k, v in cells.items() if k[0] == "sexo"}
    assert set(sexes.values()) == {"reservado"} and len(sexes) == 4
    assert cells[("total", "total")] == "6" and cells[("anio", "2021")] == "6"
