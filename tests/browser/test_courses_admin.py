"""Browser: an admin creates a site, a cohort with its trainer and a series of sessions."""

import re

import pytest
from playwright.sync_api import expect

from lms.courses.services import seed_catalog
from lms.extensions import db
from tests.browser.conftest import assert_accessible, enter_as, go_to, make_user

pytestmark = pytest.mark.browser


def _seed(app):
    with app.app_context():
        seed_catalog()
        db.session.commit()


def test_admin_builds_a_cohort_with_a_series_of_sessions(live_server, live_app, page):
    make_user(live_app, "admin", "admin@example.org")
    make_user(live_app, "trainer", "formadora@example.org", name="Formadora Uno")
    _seed(live_app)
    enter_as(page, live_server, "admin@example.org")

    go_to(page, "Formación", "Sedes")
    expect(page.get_by_role("heading", name="Sedes", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Nueva sede").click()
    page.wait_for_url("**/sedes/nueva")
    assert_accessible(page)
    page.get_by_label("Código").fill("CAC-ATALAYA")
    page.get_by_label("Nombre").fill("CAC La Atalaya")
    page.get_by_label("Tipo").select_option(label="Centro de Acceso Comunitario")
    page.get_by_label("Zona").select_option(label="Urbana")
    page.get_by_label("Comuna o corregimiento").fill("Comuna 8")
    page.get_by_label("Dirección").fill("Avenida 4 # 10-20")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_text("Sede CAC-ATALAYA guardada.")).to_be_visible()
    expect(page.get_by_role("cell", name="CAC La Atalaya")).to_be_visible()
    assert_accessible(page)

    go_to(page, "Formación", "Grupos")
    page.get_by_role("link", name="Nuevo grupo").click()
    page.wait_for_url("**/grupos/nuevo")
    assert_accessible(page)
    page.get_by_label("Código").fill("TIC-2021-01")
    page.get_by_label("Curso").select_option(label="TIC-BASICO · Uso básico de las TIC")
    page.get_by_label("Sede").select_option(label="CAC-ATALAYA · CAC La Atalaya")
    page.get_by_label("Formadora Uno").check()
    page.get_by_label("Fecha de inicio").fill("2021-03-01")
    page.get_by_label("Fecha de fin").fill("2021-03-31")
    page.get_by_label("Capacidad").fill("25")
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("heading", name="Grupo TIC-2021-01")).to_be_visible()
    expect(page.get_by_text("Formadores: Formadora Uno")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Serie de sesiones").click()
    page.wait_for_url("**/sesiones/serie")
    assert_accessible(page)
    page.get_by_label("Hora de inicio").fill("08:00")
    page.get_by_label("Duración de cada sesión (horas)").fill("2,5")
    page.get_by_role("button", name="Guardar").click()  # no weekday chosen
    expect(page.get_by_text("Elija al menos un día de la semana.")).to_be_visible()
    expect(page.get_by_label("Duración de cada sesión (horas)")).to_have_value("2,5")
    assert_accessible(page)
    page.get_by_label("Lunes").check()
    page.get_by_label("Miércoles").check()
    page.get_by_label("Tema").fill("Uso del computador")
    page.get_by_role("button", name="Guardar").click()
    # Monday 22 March 2021 is San José's holiday (moved to Monday): left out, and said so.
    expect(page.get_by_text("Se crearon 9 sesiones.")).to_be_visible()
    expect(page.get_by_text("sin sesión: 22/03/2021 (Día de San José")).to_be_visible()
    expect(page.get_by_role("heading", name="Sesiones (9)")).to_be_visible()
    expect(page.get_by_role("cell", name="01/03/2021", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="31/03/2021", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Asistencia"))).to_have_count(9)
    assert_accessible(page)

    go_to(page, "Formación", "Grupos")
    expect(page.get_by_role("link", name="TIC-2021-01")).to_be_visible()
    expect(page.get_by_role("cell", name="Formadora Uno")).to_be_visible()
    assert_accessible(page)


def test_trainer_sees_own_cohort_on_a_phone(live_server, live_app, phone_page):
    make_user(live_app, "admin", "admin@example.org")
    make_user(live_app, "trainer", "formadora@example.org", name="Formadora Uno")
    _seed(live_app)
    with live_app.app_context():
        from datetime import date

        from lms.auth.models import User
        from lms.courses import services
        from lms.courses.models import Course, Site

        site = services.create_site(
            {"code": "PVD-1", "name": "PVD Centro", "kind": "pvd", "zone": "urbana"}
        )
        course = db.session.query(Course).filter_by(code="GOB-DIGITAL").one()
        trainer = db.session.query(User).filter_by(email="formadora@example.org").one()
        services.save_cohort(
            {
                "code": "GOB-01",
                "course_id": course.id,
                "site_id": db.session.get(Site, site.id).id,
                "trainer_ids": [trainer.id],
                "start_date": date(2021, 5, 3),
                "end_date": date(2021, 5, 28),
                "capacity": 20,
            }
        )
        db.session.commit()
    enter_as(phone_page, live_server, "formadora@example.org")
    phone_page.goto(live_server + "/grupos")
    expect(phone_page.get_by_role("heading", name="Mis grupos")).to_be_visible()
    assert_accessible(phone_page)
    phone_page.get_by_role("link", name="GOB-01").click()
    expect(phone_page.get_by_role("heading", name="Grupo GOB-01")).to_be_visible()
    assert_accessible(phone_page)
    # No horizontal scrolling on a 390 px wide screen.
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
