"""Sites: admin pages, the CSV/XLSX import (CLI and web), all-or-nothing, update in place."""

import io

import pytest
from sqlalchemy import func, select

from lms.courses.models import Site
from tests import factories
from tests.courses.conftest import xlsx_bytes

HEADER = "codigo,nombre,tipo,zona,comuna_corregimiento,direccion\n"


def count_sites(db) -> int:
    return db.session.scalar(select(func.count(Site.id)))


def site(db, code) -> Site:
    return db.session.scalar(select(Site).where(Site.code == code))


def test_admin_creates_and_edits_a_site(client, login, admin, catalog, db):
    login(admin)
    assert client.get("/sedes/nueva").status_code == 200
    response = client.post(
        "/sedes/nueva",
        data={
            "code": "cac-atalaya",
            "name": "CAC Atalaya",
            "kind": "cac",
            "zone": "urbana",
            "area": "comuna 8",
            "address": "Calle 1 # 2-3",
            "active": "y",
        },
    )
    assert response.status_code == 302
    created = site(db, "CAC-ATALAYA")
    assert (created.kind, created.zone, created.area, created.active) == (
        "cac",
        "urbana",
        "Comuna 8",
        True,
    )
    page = client.get("/sedes")
    assert "CAC Atalaya" in page.get_data(as_text=True)
    response = client.post(
        f"/sedes/{created.id}",
        data={
            "code": "CAC-ATALAYA",
            "name": "CAC Atalaya II",
            "kind": "pvd",
            "zone": "urbana",
            "area": "",
        },
    )
    assert response.status_code == 302
    assert (created.name, created.kind, created.active, created.area) == (
        "CAC Atalaya II",
        "pvd",
        False,
        None,
    )


def test_site_form_errors_are_spanish_and_keep_input(client, login, admin, catalog, db):
    login(admin)
    before = count_sites(db)
    response = client.post(
        "/sedes/nueva",
        data={
            "code": "X1",
            "name": "Sede rural",
            "kind": "cac",
            "zone": "urbana",
            "area": "Palmarito",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "«Palmarito» es un corregimiento (zona rural); no coincide con la zona urbana." in html
    assert 'value="Sede rural"' in html
    assert count_sites(db) == before


def test_duplicate_site_code_refused(client, login, admin, db):
    factories.site(code="DUP-1")
    login(admin)
    response = client.post(
        "/sedes/nueva", data={"code": "dup-1", "name": "Otra", "kind": "cac", "zone": "rural"}
    )
    assert "Ya existe una sede con el código DUP-1." in response.get_data(as_text=True)


def test_site_with_cohorts_cannot_be_deleted(client, login, admin, db):
    cohort = factories.cohort()
    unused = factories.site()
    login(admin)
    client.post(f"/sedes/{cohort.site.id}/eliminar")
    assert db.session.get(Site, cohort.site.id) is not None
    page = client.get(f"/sedes/{cohort.site.id}").get_data(as_text=True)
    assert "desactívela en lugar de eliminarla" in page
    assert client.post(f"/sedes/{unused.id}/eliminar").status_code == 302
    assert db.session.get(Site, unused.id) is None


@pytest.mark.parametrize("url", ["/sedes", "/sedes/nueva"])
def test_site_pages_redirect_anonymous_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["trainer", "analyst"])
@pytest.mark.parametrize("url", ["/sedes", "/sedes/nueva", "/sedes/importar"])
def test_site_pages_are_admin_only(client, login, db, role, url):
    login(factories.user(role=role))
    method = client.post if url.endswith("importar") else client.get
    assert method(url).status_code == 403


def test_cli_import_sites_loose_values_then_update_in_place(runner, catalog, db, tmp_path):
    path = tmp_path / "sedes.csv"
    path.write_text(
        "\ufeffCódigo;Nombre;Tipo;Zona;Comuna_Corregimiento;Dirección\n"
        "CAC-01;CAC Centro;Centro de Acceso Comunitario;URBANA;comuna 1;Av. 0\n"
        "pvd-02;PVD Norte;Punto Vive Digital;Urbana;Comuna 6;\n"
        "BIB-03;Biblioteca Julio Pérez;Biblioteca;urbana;;\n"
        "SC-04;Salón comunal San Faustino;salon comunal;Rural;san faustino;Vereda\n"
        "\n"
        "CAC-05;CAC Palmarito;cac;rúral;PALMARITO;\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["lms", "import-sites", str(path)])
    assert result.exit_code == 0, result.output
    assert "5 sedes creadas, 0 actualizadas" in result.output
    assert [site(db, c).kind for c in ("CAC-01", "PVD-02", "BIB-03", "SC-04", "CAC-05")] == [
        "cac",
        "pvd",
        "biblioteca",
        "salon_comunal",
        "cac",
    ]
    assert (site(db, "SC-04").zone, site(db, "SC-04").area) == ("rural", "San Faustino")
    assert site(db, "CAC-05").zone == "rural"

    path.write_text(HEADER + "CAC-01,CAC Centro Renovado,cac,urbana,Comuna 2,Calle 9\n")
    result = runner.invoke(args=["lms", "import-sites", str(path)])
    assert result.exit_code == 0, result.output
    assert "0 sedes creadas, 1 actualizada" in result.output
    assert count_sites(db) == 5
    assert (site(db, "CAC-01").name, site(db, "CAC-01").area) == ("CAC Centro Renovado", "Comuna 2")


def test_cli_import_bad_zone_changes_nothing_and_names_row_and_column(
    runner, catalog, db, tmp_path
):
    factories.site(code="CAC-01", name="Original")
    before = count_sites(db)
    path = tmp_path / "sedes.csv"
    path.write_text(
        HEADER
        + "CAC-01,Cambiado,cac,urbana,,\n"
        + "NUEVA-1,Nueva,cac,urbano,,\n"
        + "NUEVA-2,,museo,rural,,\n"
    )
    result = runner.invoke(args=["lms", "import-sites", str(path)])
    assert result.exit_code == 1
    assert "fila 3, columna zona: zona no válida: «urbano»; use urbana o rural" in result.output
    assert "fila 4, columna nombre: el campo «Nombre» es obligatorio" in result.output
    assert "fila 4, columna tipo: tipo de sede no válido: «museo»" in result.output
    assert count_sites(db) == before
    assert site(db, "CAC-01").name == "Original"


def test_cli_import_missing_column_and_repeated_code(runner, db, tmp_path):
    path = tmp_path / "sedes.csv"
    path.write_text("codigo,nombre,tipo\nA,B,cac\n")
    result = runner.invoke(args=["lms", "import-sites", str(path)])
    assert result.exit_code == 1
    assert "fila 1, columna zona: falta esta columna obligatoria" in result.output
    path.write_text(HEADER + "A,Uno,cac,urbana,,\na,Dos,cac,urbana,,\n")
    result = runner.invoke(args=["lms", "import-sites", str(path)])
    assert result.exit_code == 1
    assert "fila 3, columna codigo: código repetido (ya está en la fila 2)" in result.output
    assert count_sites(db) == 0


def test_cli_import_xlsx_creates_then_updates(runner, catalog, db, tmp_path):
    path = tmp_path / "sedes.xlsx"
    rows = [
        ["Codigo", "Nombre", "Tipo", "Zona", "Comuna Corregimiento", "Direccion", "Notas"],
        ["X-1", "Colegio Sucre", "Colegio", "Urbana", "Comuna 3", "Cra 5", "ignorada"],
        [None, None, None, None, None, None, None],
        [101, "Sede Virtual", "virtual", "urbana", None, None, None],
    ]
    path.write_bytes(xlsx_bytes(rows))
    result = runner.invoke(args=["lms", "import-sites", str(path)])
    assert result.exit_code == 0, result.output
    assert site(db, "101").kind == "virtual"
    rows[1][1] = "Colegio Sucre Sede B"
    rows[3][3] = "Marte"
    path.write_bytes(xlsx_bytes(rows))
    result = runner.invoke(args=["lms", "import-sites", str(path)])
    assert result.exit_code == 1
    assert "fila 4, columna zona" in result.output
    assert site(db, "X-1").name == "Colegio Sucre"
    rows[3][3] = "urbana"
    path.write_bytes(xlsx_bytes(rows))
    result = runner.invoke(args=["lms", "import-sites", str(path)])
    assert "0 sedes creadas, 2 actualizadas" in result.output
    assert site(db, "X-1").name == "Colegio Sucre Sede B"
    assert count_sites(db) == 2


def test_web_import_shows_the_same_errors_and_saves_nothing(client, login, admin, catalog, db):
    login(admin)
    data = HEADER + "A-1,Uno,cac,urbana,Comuna 1,\nA-2,Dos,cac,lunar,,\n"
    response = client.post(
        "/sedes/importar",
        data={"file": (io.BytesIO(data.encode()), "sedes.csv")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "No se importó nada" in html
    assert "fila 3, columna zona: zona no válida: «lunar»; use urbana o rural" in html
    assert count_sites(db) == 0
    good = xlsx_bytes([["codigo", "nombre", "tipo", "zona"], ["A-1", "Uno", "CAC", "Urbana"]])
    response = client.post(
        "/sedes/importar",
        data={"file": (io.BytesIO(good), "sedes.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert "1 sede creada" in client.get("/sedes").get_data(as_text=True)
    assert count_sites(db) == 1


def test_web_import_refuses_other_formats(client, login, admin, db):
    login(admin)
    response = client.post(
        "/sedes/importar",
        data={"file": (io.BytesIO(b"x"), "sedes.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "El archivo debe ser .csv o .xlsx." in response.get_data(as_text=True)
