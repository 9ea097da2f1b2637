import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from lms.attendance.models import Attendance
from lms.auth.models import User
from lms.extensions import db as _db
from lms.people.models import Person
from tests import factories
from tests.browser.conftest import assert_accessible, enter_as, make_user

pytestmark = pytest.mark.browser


def _group(app, trainer_id):
    with app.app_context():
        trainer = _db.session.get(User, trainer_id)
        cohort = factories.cohort(trainers=[trainer], code="G-MOVIL")
        session = factories.session(cohort)
        people = [
            factories.enrollment(cohort, factories.person(first_names=n, last_names=s))
            for n, s in (("Ana María", "Pérez"), ("José", "Rangel"), ("Óscar", "Suárez"))
        ]
        factories.notice(version="2024-01")
        _db.session.commit()
        return session.id, [e.id for e in people]


def test_trainer_marks_a_roster_on_a_phone(live_server, live_app, phone_page):
    trainer_id = make_user(live_app, "trainer", "formadora@example.org")
    session_id, enrollment_ids = _group(live_app, trainer_id)
    page = phone_page
    enter_as(page, live_server, "formadora@example.org")
    page.goto(f"{live_server}/sesiones/{session_id}/asistencia")
    assert_accessible(page)
    page.evaluate("window.__noReload = true")
    page.get_by_role("button", name="Presente — Ana María Pérez").tap()
    page.get_by_role("button", name="Tarde — José Rangel").tap()
    page.get_by_role("button", name="Ausente — Óscar Suárez").tap()
    for name in ("Presente — Ana María Pérez", "Tarde — José Rangel", "Ausente — Óscar Suárez"):
        # Locators, not wait_for_function: the page's CSP forbids the eval its polling needs.
        expect(page.get_by_role("button", name=name)).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".is-saving")).to_have_count(0)
    assert page.evaluate("window.__noReload") is True  # no page reload per person
    page.get_by_label("Buscar por documento o nombre").fill("rangel")
    expect(page.get_by_text("José Rangel", exact=True)).to_be_visible()
    expect(page.get_by_text("Óscar Suárez", exact=True)).to_be_hidden()
    page.get_by_label("Buscar por documento o nombre").fill("1.092.333-444")
    # Nobody has that document: the walk-in form is prefilled and the lookup offered.
    offer = page.get_by_role("button", name="Buscar el documento 1092333444 para inscribir")
    offer.wait_for()
    expect(page.get_by_text("Nadie coincide")).to_be_visible()
    assert page.get_by_label("Número de documento").input_value() == "1092333444"
    assert_accessible(page)
    # A name that matches nobody is no document: nothing offered.
    page.get_by_label("Buscar por documento o nombre").fill("Yorgelis")
    expect(offer).to_be_hidden()
    expect(page.get_by_text("Nadie coincide")).to_be_visible()
    page.get_by_label("Buscar por documento o nombre").fill("1092333444")
    # A walk-in with a new document is registered without leaving the page.
    offer.tap()
    page.get_by_text("Documento nuevo").wait_for()
    page.get_by_label("Nombres").fill("Yorgelis")
    page.get_by_label("Apellidos").fill("Contreras")
    page.get_by_label("Fecha de nacimiento").fill("1995-04-03")
    page.get_by_label("Sexo").select_option("F")
    page.get_by_label("Zona").select_option("urbana")
    page.get_by_role("button", name="Inscribir y marcar presente").tap()
    page.locator(".js-error", has_text="Se requiere la autorización").wait_for()
    page.get_by_label("La persona leyó el aviso").check()
    page.get_by_role("button", name="Inscribir y marcar presente").tap()
    page.get_by_text("Se inscribió a Yorgelis Contreras y se marcó presente.").wait_for()
    assert page.get_by_role("button", name="Presente — Yorgelis Contreras").get_attribute(
        "aria-pressed") == "true"
    assert page.evaluate("window.__noReload") is True
    assert_accessible(page)
    with live_app.app_context():
        marks = {a.enrollment_id: (a.status, a.source) for a in
                 _db.session.scalars(select(Attendance))}
        assert marks[enrollment_ids[0]] == ("presente", "web")
        assert marks[enrollment_ids[1]] == ("tarde", "web")
        assert marks[enrollment_ids[2]] == ("ausente", "web")
        assert len(marks) == 4
        assert _db.session.scalar(select(Person).where(
            Person.document_number == "1092333444")) is not None


def test_registered_walk_in_is_confirmed_by_birth_year(live_server, live_app, phone_page):
    trainer_id = make_user(live_app, "trainer", "formadora2@example.org")
    session_id, _ids = _group(live_app, trainer_id)
    with live_app.app_context():
        person = factories.person(first_names="Wilmer", last_names="Quintero",
                                  document_number="1093555666")
        _db.session.commit()
        year = person.birth_date.year
    page = phone_page
    enter_as(page, live_server, "formadora2@example.org")
    page.goto(f"{live_server}/sesiones/{session_id}/asistencia")
    page.get_by_label("Número de documento").fill("1093555666")
    page.get_by_role("button", name="Buscar documento").tap()
    page.get_by_text("Documento registrado").wait_for()
    assert "Wilmer" not in page.content() and "Quintero" not in page.content()
    assert_accessible(page)
    page.get_by_label("Año de nacimiento").fill(str(year - 1))
    page.get_by_role("button", name="Inscribir y marcar presente").tap()
    page.locator(".js-error", has_text="no coincide").wait_for()
    assert "Wilmer" not in page.content()
    page.get_by_label("Año de nacimiento").fill(str(year))
    page.get_by_role("button", name="Inscribir y marcar presente").tap()
    page.get_by_text("Se inscribió a Wilmer Quintero y se marcó presente.").wait_for()
    assert_accessible(page)
