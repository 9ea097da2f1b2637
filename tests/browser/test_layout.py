"""Browser: the pages people reported on a 390-px phone keep their key buttons on screen,
and the pages named in the report pass axe at both widths (assert_accessible also checks
that none scrolls sideways at 390 px)."""

from datetime import date

import pytest
from playwright.sync_api import expect

from lms.extensions import db
from lms.timeutil import local_today
from tests import factories
from tests.browser.conftest import assert_accessible, enter_as, make_user

pytestmark = pytest.mark.browser


def _on_screen(page, locator) -> None:
    """The element is inside the viewport's width, with no sideways scrolling needed."""
    box = locator.bounding_box()
    assert box is not None and box["x"] >= 0
    assert box["x"] + box["width"] <= page.viewport_size["width"], box


def _cohort_with_today(app, trainer_email: str) -> int:
    from lms.auth.models import User

    with app.app_context():
        trainer = db.session.query(User).filter_by(email=trainer_email).one()
        today = local_today()
        cohort = factories.cohort(code="GRUPO-CON-NOMBRE-LARGO-2024", trainers=[trainer],
                                  start_date=today, end_date=today)
        factories.session(cohort, day=today, topic="Correo electrónico y trámites en línea")
        factories.enrollment(cohort=cohort, person_=factories.person(
            first_names="María Fernanda", last_names="Quintero Villamizar"))
        db.session.commit()
        return cohort.id


def test_trainer_group_page_on_a_phone(live_server, live_app, phone_page):
    make_user(live_app, "trainer", "formador@example.org", name="Formador Uno")
    cohort_id = _cohort_with_today(live_app, "formador@example.org")
    enter_as(phone_page, live_server, "formador@example.org")
    phone_page.goto(f"{live_server}/grupos/{cohort_id}")
    button = phone_page.get_by_role("link", name="Asistencia")
    expect(button).to_be_visible()
    _on_screen(phone_page, button)
    assert_accessible(phone_page)


def test_admin_pages_named_in_the_report(live_server, live_app, page):
    make_user(live_app, "admin", "admin@example.org")
    make_user(live_app, "trainer", "formador@example.org", name="Formador Uno")
    cohort_id = _cohort_with_today(live_app, "formador@example.org")
    enter_as(page, live_server, "admin@example.org")
    # The today row's "Editar" button, on its highlighted background.
    page.goto(f"{live_server}/grupos/{cohort_id}")
    expect(page.get_by_role("link", name="Editar", exact=False).first).to_be_visible()
    assert_accessible(page)
    for path in ("/sedes", "/datos-abiertos", "/admin/certificados"):
        page.goto(live_server + path)
        assert_accessible(page)
    page.goto(live_server + "/tokens")
    page.get_by_label("Uso del token").fill("Integración de pruebas")
    page.get_by_role("button", name="Crear token").click()
    expect(page.locator("#new-token")).to_be_visible()
    assert_accessible(page)


def test_portal_results_keep_the_download_on_a_phone(live_server, live_app, phone_page):
    with live_app.app_context():
        from lms.certificates.issue import issue_for

        cohort = factories.cohort(course=factories.course(
            name="Alfabetización digital para la vida y el trabajo", document_kind="certificado"))
        person = factories.person(document_number="1093555777", birth_date=date(1985, 7, 9))
        enrollment = factories.enrollment(cohort=cohort, person_=person, status="completo",
                                          hours_credited=20, completed_on=date(2023, 3, 1))
        issue_for(enrollment)
        db.session.commit()
    page = phone_page
    page.goto(live_server + "/certificados")
    page.get_by_label("Tipo de documento").select_option("CC")
    page.get_by_label("Número de documento").fill("1093555777")
    page.get_by_label("Fecha de nacimiento").fill("1985-07-09")
    page.get_by_role("button", name="Consultar").click()
    link = page.get_by_role("link", name="Descargar PDF")
    expect(link).to_be_visible()
    _on_screen(page, link)
    assert_accessible(page)
