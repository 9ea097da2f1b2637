"""An admin registers a person with consent for a cohort; a minor needs a guardian."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.courses.models import Cohort, Course, Enrollment, Site
from lms.extensions import db
from lms.people.models import Person
from lms.people.services import seed_reference_data
from lms.timeutil import local_today
from tests.browser.conftest import assert_accessible, enter_as, make_user

pytestmark = pytest.mark.browser


def _cohort(app) -> int:
    with app.app_context():
        seed_reference_data()
        course = Course(
            code="TIC-BASICO",
            name="Uso básico de las TIC",
            hours=Decimal("20"),
            document_kind="constancia",
            product_code="2301031",
        )
        site = Site(
            code="CAC-ATALAYA", name="CAC Atalaya", kind="cac", zone="urbana", area="Comuna 6"
        )
        cohort = Cohort(
            code="TIC-2024-01",
            course=course,
            site=site,
            start_date=date(2024, 2, 1),
            end_date=local_today() + timedelta(days=180),  # open: takes people without a reason
        )
        db.session.add(cohort)
        db.session.commit()
        return cohort.id


def _fill_adult(page, number="1.090.456.789"):
    page.get_by_label("Tipo de documento").select_option("CC")
    page.get_by_label("Número de documento").fill(number)
    page.get_by_label("Nombres").fill("Luz Dary")
    page.get_by_label("Apellidos").fill("Contreras Peña")
    page.get_by_label("Fecha de nacimiento").fill("1980-04-12")
    page.get_by_label("Sexo").select_option("F")
    page.get_by_label("Zona").select_option("urbana")
    page.get_by_label("Comuna o corregimiento").select_option("Comuna 6")
    page.get_by_label("Barrio o vereda").fill("Aeropuerto")


def test_admin_registers_person_with_consent_into_cohort(live_server, live_app, page):
    make_user(live_app, "admin", "admin@example.org")
    cohort_id = _cohort(live_app)
    enter_as(page, live_server, "admin@example.org")
    page.goto(f"{live_server}/personas/nueva?grupo={cohort_id}")
    expect(page.get_by_text("Aviso de privacidad (versión 2024-01)")).to_be_visible()
    assert_accessible(page)
    _fill_adult(page)
    # An adult with a CC does not need a guardian, so the local script hides those fields.
    expect(page.get_by_label("Nombre del acudiente o representante legal")).to_be_hidden()
    page.get_by_label("¿Es persona migrante?").select_option("no")
    page.get_by_label("Autorizo el tratamiento de mis datos").check()
    page.get_by_role("button", name="Registrar e inscribir").click()
    page.wait_for_url(f"**/grupos/{cohort_id}")
    expect(page.get_by_text("y se inscribió en TIC-2024-01")).to_be_visible()
    expect(page.get_by_role("cell", name="Luz Dary Contreras Peña")).to_be_visible()
    assert_accessible(page)
    with live_app.app_context():
        person = db.session.scalar(select(Person).where(Person.document_number == "1090456789"))
        enrollment = db.session.scalar(select(Enrollment).where(Enrollment.person_id == person.id))
        assert enrollment.cohort_id == cohort_id
        assert person.consents[0].channel == "form"
        assert person.consents[0].notice.version == "2024-01"


def test_minor_without_guardian_gets_spanish_error_and_keeps_input(live_server, live_app, page):
    make_user(live_app, "admin", "admin@example.org")
    _cohort(live_app)
    enter_as(page, live_server, "admin@example.org")
    page.goto(f"{live_server}/personas/nueva")
    _fill_adult(page, number="1.092.333.444")
    page.get_by_label("Tipo de documento").select_option("TI")
    page.get_by_label("Fecha de nacimiento").fill("2012-08-30")
    expect(page.get_by_label("Nombre del acudiente o representante legal")).to_be_visible()
    page.get_by_label("Autorizo el tratamiento de mis datos").check()
    page.get_by_role("button", name="Registrar").click()
    error = page.get_by_text("Es menor de edad: escriba el nombre del acudiente que autoriza.")
    error.wait_for()
    assert page.get_by_label("Número de documento").input_value() == "1.092.333.444"
    assert page.get_by_label("Nombres").input_value() == "Luz Dary"
    assert page.get_by_label("Comuna o corregimiento").input_value() == "Comuna 6"
    assert_accessible(page)
    with live_app.app_context():
        assert db.session.scalar(select(Person).where(Person.document_type == "TI")) is None
    page.get_by_label("Nombre del acudiente o representante legal").fill("Rosa Peña")
    page.get_by_label("Documento del acudiente (tipo y número)").fill("CC 60.123.456")
    page.get_by_role("button", name="Registrar").click()
    page.wait_for_url("**/personas/*")
    expect(page.get_by_text("Rosa Peña (CC 60123456)")).to_be_visible()
    assert_accessible(page)


def test_people_admin_pages_are_accessible(live_server, live_app, page):
    make_user(live_app, "admin", "admin@example.org")
    cohort_id = _cohort(live_app)
    with live_app.app_context():
        from lms.courses.enrollments import enroll
        from lms.people.services import register_person

        data = {
            "document_type": "PPT",
            "document_number": "AB123456",
            "first_names": "Ána",
            "last_names": "Rondón",
            "birth_date": date(1990, 1, 2),
            "sex": "F",
            "zone": "rural",
            "area": "Palmarito",
        }
        person = register_person(data, channel="planilla", consent=True)
        enroll(person, db.session.get(Cohort, cohort_id))
        db.session.commit()
        person_id = person.id
    enter_as(page, live_server, "admin@example.org")
    page.goto(f"{live_server}/personas/")
    page.get_by_label("Número de documento o nombre").fill("ana rondon")
    page.get_by_role("button", name="Buscar").click()
    page.get_by_role("link", name="Ána Rondón").click()
    expect(page.get_by_text("Planilla en papel")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Estado de la inscripción en TIC-2024-01").select_option("en_curso")
    page.get_by_role("button", name="Cambiar").click()
    expect(page.get_by_text("Estado actualizado.")).to_be_visible()
    for path in ("", "editar", "fusionar", "anonimizar"):
        page.goto(f"{live_server}/personas/{person_id}/{path}".rstrip("/"))
        assert_accessible(page)
    page.goto(f"{live_server}/personas/")
    assert_accessible(page)

    # She revokes her authorization, later signs a new one on paper.
    page.goto(f"{live_server}/personas/{person_id}")
    page.get_by_label("La persona revocó su autorización").check()
    page.get_by_role("button", name="Registrar revocación").click()
    page.get_by_role("link", name="Registrar nueva autorización").click()
    page.wait_for_url("**/autorizacion")
    assert_accessible(page)
    page.get_by_label("Cómo autorizó").select_option("planilla")
    page.get_by_role("button", name="Registrar autorización").click()
    expect(page.get_by_text("Se requiere la autorización").first).to_be_visible()
    page.get_by_label("Autorizo el tratamiento de mis datos").check()
    page.get_by_role("button", name="Registrar autorización").click()
    expect(page.get_by_text("Autorización registrada.")).to_be_visible()
    expect(page.get_by_role("cell", name="Vigente")).to_be_visible()
    assert_accessible(page)
