from decimal import Decimal

import pytest
from sqlalchemy import func, select

from lms.attendance.models import Attendance
from lms.extensions import db as _db
from tests import factories
from tests.browser.conftest import assert_accessible, enter_as, make_user

pytestmark = pytest.mark.browser

HEADER = ("curso,grupo,sede,fecha,horas,tipo_documento,numero_documento,nombres,apellidos,"
          "sexo,fecha_nacimiento,zona,estado,autorizacion_datos\n")
ROW = "TIC-BASICO,G-PAPEL,CAC-1,2021-03-0{d},4,CC,{doc},Ana,Pérez,F,1990-01-01,urbana,{st},si\n"


def test_admin_uploads_a_bad_then_a_good_planilla(live_server, live_app, page, tmp_path):
    make_user(live_app, "admin", "admin@example.org")
    with live_app.app_context():
        factories.course(code="TIC-BASICO", hours=Decimal(20))
        factories.site(code="CAC-1")
        _db.session.commit()
    good = HEADER + "".join(ROW.format(d=d, doc=f"5000{n}", st="P")
                            for d in (1, 2) for n in range(3))
    bad = good.replace(",P,si", ",Q,si", 1)
    (tmp_path / "mala.csv").write_text(bad, encoding="utf-8")
    (tmp_path / "buena.csv").write_text(good, encoding="utf-8")
    enter_as(page, live_server, "admin@example.org")
    page.goto(f"{live_server}/planillas/importar")
    assert_accessible(page)
    page.get_by_label("Archivo de la planilla").set_input_files(tmp_path / "mala.csv")
    page.get_by_role("button", name="Importar").click()
    page.get_by_text("fila 2, columna estado: estado no válido «Q»").wait_for()
    assert_accessible(page)
    with live_app.app_context():
        assert _db.session.scalar(select(func.count(Attendance.id))) == 0
    page.get_by_text("el grupo «G-PAPEL» no existe").first.wait_for()
    # A new group is created only when asked; the dry run names it and its sessions first.
    page.get_by_label("Archivo de la planilla").set_input_files(tmp_path / "buena.csv")
    page.get_by_label("Crear grupos y sesiones nuevos").check()
    page.get_by_label("Solo validar").check()
    page.get_by_role("button", name="Importar").click()
    page.get_by_role("heading", name="Grupos y sesiones que se crearían").wait_for()
    assert "G-PAPEL, 02/03/2021 (4\u00a0h)" in page.locator("#new-sessions").inner_text()
    assert_accessible(page)
    page.get_by_label("Archivo de la planilla").set_input_files(tmp_path / "buena.csv")
    page.get_by_label("Crear grupos y sesiones nuevos").check()
    page.get_by_label("Solo validar").uncheck()
    page.get_by_role("button", name="Importar").click()
    page.get_by_role("heading", name="Planilla importada").wait_for()
    counts = page.locator("#import-counts").inner_text()
    assert "Personas creadas\n3" in counts and "Marcas\n6" in counts and "Sesiones\n2" in counts
    assert_accessible(page)
    with live_app.app_context():
        assert _db.session.scalar(select(func.count(Attendance.id))) == 6
