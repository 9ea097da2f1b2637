"""Spreadsheet bombs (issue 9, part 9): each file is built here, small on disk, and refused
before it can fill a worker's memory or hold it past its timeout, with a Spanish message;
a file full of errors is reported as its first 200 errors and a count."""

import openpyxl
import pytest
from sqlalchemy import func, select

from lms.courses.models import Site
from lms.people.models import Person
from tests.imports.conftest import (
    PLANILLA_HEADER,
    inline_row,
    planilla_row,
    upload,
    xlsx_with_sheet,
)

GIB = 1024 * 1024 * 1024


@pytest.fixture(autouse=True)
def _in_the_request(app, monkeypatch):
    """Read every file in the request, whatever its size (the queue reads it the same way)."""
    monkeypatch.setitem(app.config, "IMPORT_BACKGROUND_BYTES", 64 * 1024 * 1024)


def _header(write) -> None:
    write(inline_row(1, PLANILLA_HEADER))


def _planilla_xlsx(write_more) -> bytes:
    def rows(write):
        _header(write)
        write_more(write)
    return xlsx_with_sheet(rows)


def _refused(client, data: bytes, name: str = "bomba.xlsx") -> str:
    r = upload(client, "/planillas/importar", data, name, create_new="y")
    html = r.get_data(as_text=True)
    assert r.status_code == 422, html
    return html


def test_one_gigabyte_cell_is_refused_before_parsing(client, login, admin, db, catalog):
    def huge_cell(write):
        write('<row r="2"><c r="A2" t="inlineStr"><is><t>')
        block = "A" * (1024 * 1024)
        for _ in range(GIB // len(block)):
            write(block)
        write("</t></is></c></row>")

    data = _planilla_xlsx(huge_cell)
    assert len(data) < 8 * 1024 * 1024  # a small upload…
    login(admin)
    html = _refused(client, data)
    # …refused from the sizes the zip declares: nothing was unpacked.
    assert "descomprimido; el máximo es 400 MB" in html
    assert db.session.scalar(select(func.count(Person.id))) == 0


def test_three_million_rows_stop_at_the_row_cap(client, login, admin, db, catalog):
    def far_rows(write):
        write(inline_row(2, planilla_row("1090111222")))
        # Rows numbered up to 3 million: a tiny file that a reader would walk row by row.
        write(inline_row(3_000_000, planilla_row("1090111333")))

    login(admin)
    html = _refused(client, _planilla_xlsx(far_rows))
    assert "fila 200002: el archivo tiene más de 200.000 filas de datos" in html
    assert db.session.scalar(select(func.count(Person.id))) == 0


def test_sixteen_thousand_columns_are_refused(client, login, admin, db, catalog):
    def wide(write):
        write(inline_row(2, ["x"] * 16_000))

    login(admin)
    html = _refused(client, _planilla_xlsx(wide))
    assert "fila 2: la fila tiene datos en 16.000 columnas; el máximo es 60" in html


def test_long_cells_are_refused_in_xlsx_and_csv(client, login, admin, db, catalog):
    login(admin)
    name = "N" * 5000
    book = openpyxl.Workbook()
    book.active.append(PLANILLA_HEADER)
    book.active.append(planilla_row("1090111222", first=name))
    from io import BytesIO
    buffer = BytesIO()
    book.save(buffer)
    html = _refused(client, buffer.getvalue())
    assert "fila 2, columna H: la celda tiene 5.000 caracteres; el máximo es 1.000" in html
    text = ",".join(PLANILLA_HEADER) + "\n" + ",".join(planilla_row("1", first=name)) + "\n"
    html = _refused(client, text.encode(), "p.csv")
    assert "fila 2, columna H: la celda tiene 5.000 caracteres" in html


def test_one_endless_csv_line_is_refused_without_reading_it(client, login, admin, db, catalog):
    login(admin)
    data = (",".join(PLANILLA_HEADER) + "\n").encode() + b"x" * (8 * 1024 * 1024)
    html = _refused(client, data, "p.csv")
    assert "fila 2: la línea tiene más de" in html


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml"])
def test_entity_expansion_is_refused(client, login, admin, db, catalog, part):
    def laughs(write):
        write(inline_row(2, ["&lol9;"]))

    data = _planilla_xlsx(laughs)
    # Put a DTD with nested entities ("billion laughs") in front of the sheet's root.
    import io
    import zipfile
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            if info.filename == part:
                inner = ["&lol;" * 10] + [f"&lol{i};" * 10 for i in range(1, 9)]
                entities = '<!ENTITY lol "lol">' + "".join(
                    f'<!ENTITY lol{i + 1} "{text}">' for i, text in enumerate(inner))
                body = body.replace(b"?><worksheet", f"?><!DOCTYPE worksheet [{entities}]>"
                                    "<worksheet".encode(), 1)
            target.writestr(info, body)
    login(admin)
    html = _refused(client, out.getvalue())
    assert "XML no permitido" in html


def test_a_file_full_of_errors_lists_200_and_counts_the_rest(client, login, admin, db, catalog):
    rows = [",".join(planilla_row(str(1_090_000_000 + n), status="feliz")) for n in range(500)]
    text = ",".join(PLANILLA_HEADER) + "\n" + "\n".join(rows) + "\n"
    login(admin)
    html = _refused(client, text.encode(), "p.csv")
    assert "el archivo tiene 500 errores" in html
    assert html.count("estado no válido «feliz»") == 200
    assert "fila 201, columna estado" in html and "fila 202, columna estado" not in html
    assert "… y 300 errores más." in html


def test_site_import_reports_the_same_way(client, login, admin, db, catalog):
    rows = "".join(f"S-{n},Sede {n},cac,centro,,\n" for n in range(250))
    data = ("codigo,nombre,tipo,zona,comuna_corregimiento,direccion\n" + rows).encode()
    login(admin)
    r = upload(client, "/sedes/importar", data, "sedes.csv")
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "el archivo tiene 250 errores" in html and "… y 50 errores más." in html
    assert db.session.scalar(select(func.count(Site.id))) == 1  # the catalog fixture's
