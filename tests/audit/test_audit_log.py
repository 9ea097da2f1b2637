"""The audit log for an auditor: Spanish labels, a before → after table per field, names,
Bogotá times, filters by Spanish entity names, actor, days and record, and an XLSX."""

import io
import re

from openpyxl import load_workbook


def _entries(html: str) -> list[str]:
    return re.findall(r'<h2 class="h6 mb-0" id="e\d+">([^<]+)</h2>', html)


def test_changes_read_as_a_table_in_spanish_with_the_actors_name(client, login, admin, trail):
    login(admin)
    html = client.get("/auditoria/?entidad=sedes").get_data(as_text=True)
    assert _entries(html) == [f"Modificación · Sede n.º {trail['site'].id}",
                              f"Creación · Sede n.º {trail['site'].id}"]
    row = re.search(r'<th scope="row" class="fw-normal">Nombre</th><td[^>]*>([^<]*)</td>'
                    r'<td[^>]*>([^<]*)</td>', html)
    assert row.groups() == ("Biblioteca Pública Julio Pérez",
                            "=HYPERLINK(&#34;http://x.example&#34;)")
    assert re.search(r">Activo</th><td[^>]*>Sí</td><td[^>]*>No</td>", html)
    assert "Paula Andrea Rincón" in html
    # Times in Bogotá (UTC−5): 03:30 UTC on 5 March is 22:30 on 4 March.
    assert "04/03/2026 22:30" in html
    assert "\\u00" not in html and '{"' not in html and "update" not in _entries(html)[0]


def test_entity_filter_takes_spanish_names_labels_and_tables(client, login, admin, trail):
    login(admin)
    for name in ("personas", "Persona", "people"):
        html = client.get(f"/auditoria/?entidad={name}").get_data(as_text=True)
        assert _entries(html) == [f"Creación · Persona n.º {trail['person'].id}"], name
        assert re.search(r'<option value="personas" selected>Persona</option>', html)


def test_filters_by_actor_days_and_record(client, login, admin, trail):
    login(admin)

    def titles(query):
        return _entries(client.get("/auditoria/?" + query).get_data(as_text=True))

    site = trail["site"].id
    assert titles(f"actor={admin.id}") == [f"Modificación · Sede n.º {site}",
                                           f"Creación · Sede n.º {site}"]
    assert titles("actor=sistema") and not any("Sede" in t for t in titles("actor=sistema"))
    # Bogotá's 4 March holds the site's change (03:30 UTC on the 5th), and only it.
    assert titles("desde=2026-03-04&hasta=2026-03-04") == [
        f"Modificación · Sede n.º {trail['site'].id}"]
    assert titles("desde=2026-03-05&hasta=2026-03-09") == []
    assert titles(f"entidad=personas&id={trail['person'].id}") == [
        f"Creación · Persona n.º {trail['person'].id}"]


def test_bad_filters_are_named_in_spanish_and_kept(client, login, admin, trail):
    login(admin)
    response = client.get("/auditoria/?entidad=planetas&desde=2026-03-04")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "La entidad «planetas» no existe; use una de: personas" in html
    assert re.search(r'<option value="planetas" selected>', html)
    assert 'value="2026-03-04"' in html
    for query, words in (("desde=4/3/2026", "Desde: escriba la fecha"),
                         ("desde=2026-03-05&hasta=2026-03-01", "«hasta» no puede ser anterior"),
                         ("id=-3", "número de registro debe ser"),
                         ("actor=99999999999", "El usuario debe ser")):
        response = client.get("/auditoria/?" + query)
        assert response.status_code == 422 and words in response.get_data(as_text=True), query
    assert client.get("/auditoria/auditoria.xlsx?entidad=planetas").status_code == 422


def test_xlsx_has_a_row_per_field_in_spanish_and_no_formulas(client, login, admin, trail):
    login(admin)
    response = client.get("/auditoria/auditoria.xlsx?entidad=sedes")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=auditoria-")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Fecha y hora (Bogotá)", "Usuario", "Acción", "Entidad", "Registro",
                       "Campo", "Antes", "Después")
    changed = [r for r in rows[1:] if r[2] == "Modificación"]
    assert sorted(r[5] for r in changed) == ["Activo", "Nombre"]
    name = next(r for r in changed if r[5] == "Nombre")
    assert name[:5] == ("04/03/2026 22:30:00", "Paula Andrea Rincón", "Modificación", "Sede",
                        trail["site"].id)
    assert name[6] == "Biblioteca Pública Julio Pérez"
    # The office's spreadsheet never runs a value typed by someone.
    assert name[7] == "'=HYPERLINK(\"http://x.example\")"
    assert all(r[3] == "Sede" for r in rows[1:])
