"""End-to-end: an admin builds a cohort and enrolls a person with consent (axe on every page)."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.courses.services import seed_catalog
from lms.extensions import db
from lms.people.models import Person
from tests.browser.conftest import assert_accessible, enter_as, go_to, make_user

pytestmark = pytest.mark.browser


def test_admin_creates_site_cohort_sessions_and_enrolls_a_person(live_server, live_app, page):
    make_user(live_app, "admin", "admin@example.org")
    with live_app.app_context():
        seed_catalog()
        db.session.commit()
    enter_as(page, live_server, "admin@example.org")
    assert_accessible(page)

    go_to(page, "Formación", "Sedes")
    page.get_by_role("link", name="Nueva sede").click()
    page.wait_for_url("**/sedes/nueva")
    assert_accessible(page)
    page.get_by_label("Código").fill("BIB-SANFAUSTINO")
    page.get_by_label("Nombre").fill("Biblioteca San Faustino")
    page.get_by_label("Tipo").select_option(label="Biblioteca")
    page.get_by_label("Zona").select_option(label="Rural")
    page.get_by_label("Comuna o corregimiento").fill("San Faustino")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("cell", name="Biblioteca San Faustino")).to_be_visible()
    assert_accessible(page)

    go_to(page, "Formación", "Grupos")
    page.wait_for_url("**/grupos")
    assert_accessible(page)
    page.get_by_role("link", name="Nuevo grupo").click()
    page.wait_for_url("**/grupos/nuevo")
    assert_accessible(page)
    page.get_by_label("Código").fill("ALFA-2022-R1")
    page.get_by_label("Curso").select_option(label="ALFA-DIGITAL · Alfabetización digital")
    page.get_by_label("Sede").select_option(label="BIB-SANFAUSTINO · Biblioteca San Faustino")
    page.get_by_label("Fecha de inicio").fill("2022-08-01")
    page.get_by_label("Fecha de fin").fill("2022-09-30")
    page.get_by_label("Capacidad").fill("20")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("heading", name="Grupo ALFA-2022-R1")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Serie de sesiones").click()
    page.wait_for_url("**/sesiones/serie")
    assert_accessible(page)
    page.get_by_label("Hora de inicio").fill("14:00")
    page.get_by_label("Duración de cada sesión (horas)").fill("4")
    page.get_by_label("Martes").check()
    page.get_by_label("Jueves").check()
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Se crearon 18 sesiones.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Inscribir persona").click()
    expect(page.get_by_text("Aviso de privacidad (versión 2024-01)")).to_be_visible()
    page.get_by_label("Tipo de documento").select_option("PPT")
    page.get_by_label("Número de documento").fill("ab-123 456")
    page.get_by_label("Nombres").fill("María José")
    page.get_by_label("Apellidos").fill("Rondón Pérez")
    page.get_by_label("Fecha de nacimiento").fill("1995-11-02")
    page.get_by_label("Sexo").select_option("F")
    page.get_by_label("Zona").select_option("rural")
    page.get_by_label("Comuna o corregimiento").select_option("San Faustino")
    page.get_by_label("Autorizo el tratamiento de mis datos").check()
    # The cohort of 2022 has ended: enrolling into it takes the admin's reason (issue 9).
    page.get_by_label("Motivo para inscribir en un grupo terminado").fill(
        "Registro de la planilla en papel del grupo")
    assert_accessible(page)
    page.get_by_role("button", name="Registrar e inscribir").click()
    expect(page.get_by_role("heading", name="Grupo ALFA-2022-R1")).to_be_visible()
    expect(page.get_by_role("cell", name="María José Rondón Pérez")).to_be_visible()
    assert_accessible(page)

    with live_app.app_context():
        person = db.session.scalar(select(Person).where(Person.document_type == "PPT"))
        assert person.document_number == "AB123456"
        assert person.consents[0].channel == "form"
