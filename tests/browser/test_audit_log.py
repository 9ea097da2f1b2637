"""Browser: an auditor filters the trail by a Spanish entity name and a day, reads a
before → after table, and downloads the same selection as an XLSX."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from lms.audit.services import system_actor
from lms.extensions import db
from tests import factories
from tests.browser.conftest import assert_accessible, enter_as, make_user

pytestmark = pytest.mark.browser


def _edits(app, admin_id):
    with app.app_context():
        token = system_actor.set(admin_id)
        try:
            person = factories.person(first_names="José Ángel", last_names="Peña")
            person.last_names = "Peña Ortiz"
            factories.site(name="Biblioteca Pública Julio Pérez")
            db.session.commit()
        finally:
            system_actor.reset(token)


def test_auditor_filters_reads_and_downloads(live_server, live_app, page):
    admin_id = make_user(live_app, "admin", "admin@example.org",
                         name="Paula Andrea Rincón Villamizar")
    _edits(live_app, admin_id)
    enter_as(page, live_server, "admin@example.org")
    page.goto(live_server + "/auditoria/")
    page.get_by_label("Entidad", exact=True).select_option(label="Persona")
    page.get_by_label("Usuario", exact=True).select_option(label="Paula Andrea Rincón Villamizar")
    page.get_by_role("button", name="Filtrar").click()
    page.wait_for_url("**entidad=personas**")
    change = page.get_by_role("article").filter(has_text="Modificación · Persona")
    expect(change.get_by_role("row", name="Apellidos Peña Peña Ortiz")).to_be_visible()
    expect(change).to_contain_text("Paula Andrea Rincón Villamizar")
    expect(page.get_by_role("heading", name="Creación · Sede")).to_have_count(0)
    expect(page.get_by_label("Entidad", exact=True)).to_have_value("personas")
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Descargar XLSX").click()
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert {r[3] for r in rows} == {"Persona"}
    assert ("Apellidos", "Peña", "Peña Ortiz") in {r[5:8] for r in rows}

    page.goto(live_server + "/auditoria/?entidad=planetas")
    expect(page.get_by_role("alert")).to_contain_text("La entidad «planetas» no existe")
    assert_accessible(page)
