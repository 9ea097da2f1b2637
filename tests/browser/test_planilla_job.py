"""A big planilla imported in the background, seen in the browser: the upload leads to the
job's page, which shows the outcome (the test queue runs the task at once); axe-clean."""

from decimal import Decimal

import pytest

from lms.extensions import db as _db
from tests import factories
from tests.browser.conftest import assert_accessible, enter_as, make_user

pytestmark = pytest.mark.browser

HEADER = ("curso,grupo,sede,fecha,horas,tipo_documento,numero_documento,nombres,apellidos,"
          "sexo,fecha_nacimiento,zona,estado,autorizacion_datos\n")
ROW = "TIC-BASICO,G-LOTE,CAC-1,2021-03-01,4,CC,{doc},Ana,Pérez,F,1990-01-01,urbana,P,si\n"


def test_a_big_planilla_shows_its_job_page(live_server, live_app, page, tmp_path):
    make_user(live_app, "admin", "admin@example.org")
    live_app.config["IMPORT_BACKGROUND_ROWS"] = 3
    with live_app.app_context():
        factories.course(code="TIC-BASICO", hours=Decimal(20))
        factories.site(code="CAC-1")
        _db.session.commit()
    path = tmp_path / "grande.csv"
    path.write_text(HEADER + "".join(ROW.format(doc=f"700{n}") for n in range(5)))
    try:
        enter_as(page, live_server, "admin@example.org")
        page.goto(f"{live_server}/planillas/importar")
        page.get_by_label("Archivo de la planilla").set_input_files(path)
        page.get_by_label("Crear grupos y sesiones nuevos").check()
        page.get_by_role("button", name="Importar").click()
        page.get_by_role("heading", name="Importación de planilla").wait_for()
        page.get_by_role("heading", name="Planilla importada").wait_for()
        assert "Terminada" in page.locator("#job-state").inner_text()
        assert "G-LOTE (TIC-BASICO en CAC-1)" in page.locator("#new-cohorts").inner_text()
        assert_accessible(page)
    finally:
        live_app.config["IMPORT_BACKGROUND_ROWS"] = 20000
