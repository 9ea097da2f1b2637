"""Browser: catalog pages and the sites import, including their error states, pass axe."""

import pytest
from playwright.sync_api import expect

from lms.courses.services import seed_catalog
from lms.extensions import db
from tests.browser.conftest import assert_accessible, enter_as, make_user

pytestmark = pytest.mark.browser


def test_catalog_and_import_pages(live_server, live_app, page, tmp_path):
    make_user(live_app, "admin", "admin@example.org")
    with live_app.app_context():
        seed_catalog()
        db.session.commit()
    enter_as(page, live_server, "admin@example.org")

    page.goto(live_server + "/catalogo")
    expect(page.get_by_role("link", name="2301034-PCAD")).to_be_visible()
    expect(page.get_by_role("link", name="ALFA-DIGITAL")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Nuevo curso").click()
    page.get_by_label("Código").fill("EXCEL-1")
    page.get_by_label("Nombre").fill("Hojas de cálculo")
    page.get_by_label("Horas totales").fill("0")
    page.get_by_label("Asistencia mínima (%)").fill("120")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Las horas del curso deben ser un número mayor que 0.")).to_be_visible()
    expect(page.get_by_text("porcentaje entre 1 y 100")).to_be_visible()
    expect(page.get_by_label("Nombre")).to_have_value("Hojas de cálculo")
    assert_accessible(page)
    page.get_by_label("Horas totales").fill("16")
    page.get_by_label("Asistencia mínima (%)").fill("80")
    page.get_by_label("Tipo de documento").select_option(label="Constancia de participación")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Curso EXCEL-1 guardado.")).to_be_visible()

    page.get_by_role("link", name="Nuevo indicador").click()
    page.wait_for_url("**/catalogo/indicadores/nuevo")
    assert_accessible(page)

    bad = tmp_path / "sedes.csv"
    bad.write_text("codigo,nombre,tipo,zona\nA-1,Uno,cac,urbanísima\n", encoding="utf-8")
    page.goto(live_server + "/sedes")
    page.get_by_label("Archivo CSV o XLSX").set_input_files(str(bad))
    page.get_by_role("button", name="Importar").click()
    expect(page.get_by_text("fila 2, columna zona: zona no válida: «urbanísima»")).to_be_visible()
    assert_accessible(page)
