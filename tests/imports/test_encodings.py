"""Spanish Excel CSV (issue 9, part 10): Windows-1252 with semicolons, UTF-8 with or without a
BOM and UTF-16 are all read, for planillas and for sites, through the pages and the CLI."""

import pytest
from sqlalchemy import select

from lms.attendance.models import Attendance
from lms.courses.models import Site
from lms.people.models import Person
from tests.imports.conftest import PLANILLA_HEADER, planilla_row, upload

ACCENTED_HEADER = ["Curso", "Grupo", "Sede", "Fecha", "Horas", "Tipo_Documento",
                   "Número_Documento", "Nombres", "Apellidos", "Sexo", "Fecha_Nacimiento",
                   "Zona", "Estado", "Autorización_Datos"]


def _planilla(separator: str) -> str:
    rows = [ACCENTED_HEADER, planilla_row("1090111222"),
            planilla_row("1090111333", first="José Ángel", last="Muñoz Peña")]
    return "\r\n".join(separator.join(row) for row in rows) + "\r\n"


@pytest.mark.parametrize(("encoding", "separator"), [
    ("cp1252", ";"),  # Excel es-CO «CSV (delimitado por comas)»
    ("utf-8-sig", ";"),  # «CSV UTF-8»
    ("utf-8", ","),  # LibreOffice, Google Sheets
    ("utf-16", "\t"),  # «Texto Unicode»
    ("utf-16", ";"),
])
def test_planilla_upload_in_every_excel_encoding(client, login, admin, db, catalog, encoding,
                                                 separator):
    login(admin)
    data = _planilla(separator).encode(encoding)
    r = upload(client, "/planillas/importar", data, "planilla.csv", create_new="y")
    html = r.get_data(as_text=True)
    assert r.status_code == 200, html
    assert "Planilla importada" in html
    names = set(db.session.execute(select(Person.first_names, Person.last_names)).all())
    assert names == {("Ana María", "Pérez Ibáñez"), ("José Ángel", "Muñoz Peña")}
    assert len(db.session.scalars(select(Attendance)).all()) == 2


def test_planilla_cli_reads_windows_1252(runner, db, catalog, tmp_path):
    path = tmp_path / "planilla.csv"
    path.write_bytes(_planilla(";").encode("cp1252"))
    result = runner.invoke(args=["lms", "import-attendance", str(path), "--create-new"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Person.last_names).where(
        Person.document_number == "1090111333")) == "Muñoz Peña"


SITES = ("Código;Nombre;Tipo;Zona;Comuna_Corregimiento;Dirección\r\n"
         "CAC-01;CAC Peñalosa;Centro de Acceso Comunitario;Urbana;Comuna 1;Av. 0 # 12-34\r\n"
         "SC-02;Salón comunal Agua Clara;Salón comunal;Rural;Agua Clara;Vía a Ureña\r\n")


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-16"])
def test_sites_upload_in_every_excel_encoding(client, login, admin, db, catalog, encoding):
    login(admin)
    r = upload(client, "/sedes/importar", SITES.encode(encoding), "sedes.csv")
    assert r.status_code == 302, r.get_data(as_text=True)
    names = dict(db.session.execute(select(Site.code, Site.name)).all())
    assert names["CAC-01"] == "CAC Peñalosa"
    assert names["SC-02"] == "Salón comunal Agua Clara"
    assert db.session.scalar(select(Site.area).where(Site.code == "SC-02")) == "Agua Clara"


def test_sites_cli_reads_windows_1252(runner, db, catalog, tmp_path):
    path = tmp_path / "sedes.csv"
    path.write_bytes(SITES.encode("cp1252"))
    result = runner.invoke(args=["lms", "import-sites", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 sedes creadas" in result.output


def test_plain_header_still_matches(client, login, admin, db, catalog):
    login(admin)
    text = ",".join(PLANILLA_HEADER) + "\n" + ",".join(planilla_row("1090555666")) + "\n"
    r = upload(client, "/planillas/importar", text.encode("cp1252"), "p.csv", create_new="y")
    assert r.status_code == 200 and "Planilla importada" in r.get_data(as_text=True)
