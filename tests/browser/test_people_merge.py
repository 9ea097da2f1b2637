"""Merging two records in the browser: compare, confirm by typing the kept document, undo."""

from datetime import date

import pytest
from playwright.sync_api import expect

from lms.extensions import db
from lms.people.models import Person
from tests import factories
from tests.browser.conftest import assert_accessible, enter_as, make_user

pytestmark = pytest.mark.browser


def _people(app):
    with app.app_context():
        kept = factories.person(document_type="CC", document_number="1090000001",
                                first_names="Carlos", last_names="Pérez",
                                birth_date=date(1990, 4, 4))
        other = factories.person(document_type="TI", document_number="1090000002",
                                 first_names="Camila", last_names="Pérez Rojas",
                                 birth_date=date(2012, 8, 8))
        db.session.commit()
        return kept.id, other.id


def test_admin_compares_confirms_merges_and_undoes(live_server, live_app, page):
    make_user(live_app, "admin", "admin@example.org")
    kept_id, other_id = _people(live_app)
    enter_as(page, live_server, "admin@example.org")
    page.goto(f"{live_server}/personas/{kept_id}/fusionar")
    # The search posts: the document number typed stays out of the URL (issue 9 part 2).
    page.get_by_label("Buscar el duplicado por documento o nombre").fill("1090000002")
    page.get_by_role("button", name="Buscar").click()
    page.get_by_role("button", name="Comparar Camila Pérez Rojas").click()
    expect(page.get_by_label("Buscar el duplicado por documento o nombre")).to_have_value(
        "1090000002")
    assert "1090000002" not in page.url and "q=" not in page.url
    table = page.locator("#comparison")
    expect(table).to_contain_text("Tarjeta de identidad")
    expect(page.get_by_text("Puede tratarse de dos personas distintas")).to_be_visible()
    assert_accessible(page)
    button = page.get_by_role("button", name="Fusionar: conservar CC 1090000001")
    button.click()  # nothing typed: refused, still comparing
    expect(page.get_by_text("Para confirmar, escriba el número de documento")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Escriba el número de documento del registro que se conserva").fill(
        "1.090.000.001")
    page.get_by_role("button", name="Fusionar: conservar CC 1090000001").click()
    expect(page.get_by_text("Registros fusionados")).to_be_visible()
    assert "1090000002" not in page.url
    page.goto(f"{live_server}/personas/{kept_id}/fusionar")
    assert_accessible(page)
    page.get_by_role("button", name="Deshacer la fusión").click()
    expect(page.get_by_text("Fusión deshecha")).to_be_visible()
    assert_accessible(page)
    with live_app.app_context():
        assert db.session.get(Person, other_id).document_type == "TI"
