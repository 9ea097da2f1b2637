"""Browser: the certificates admin search posts, so the document number searched for never
sits in the address bar (issue 9 part 2), and the next page of results keeps the search."""

from datetime import date

import pytest
from playwright.sync_api import expect

from lms.certificates import views as certificate_views
from lms.certificates.issue import issue_for
from lms.extensions import db
from tests import factories
from tests.browser.conftest import assert_accessible, enter_as, make_user

pytestmark = pytest.mark.browser
DOCUMENT = "1093555777"


def _seed(app) -> None:
    with app.app_context():
        person = factories.person(first_names="Ana Lucía", last_names="Peñaranda Ruíz",
                                  document_number=DOCUMENT, birth_date=date(1985, 7, 9))
        for n in range(3):
            cohort = factories.cohort(course=factories.course(code=f"CURSO-B{n}"))
            issue_for(factories.enrollment(cohort=cohort, person_=person, status="completo",
                                           hours_credited=20, completed_on=date(2023, 3, 1)))
        issue_for(factories.enrollment(status="completo", hours_credited=20,
                                       completed_on=date(2023, 3, 1)))
        db.session.commit()


def test_admin_searches_certificates_by_document_without_it_in_the_url(
        live_server, live_app, page, monkeypatch):
    monkeypatch.setattr(certificate_views, "PER_PAGE", 2)
    _seed(live_app)
    make_user(live_app, "admin", "admin@example.org")
    enter_as(page, live_server, "admin@example.org")
    page.goto(live_server + "/admin/certificados")
    page.get_by_label("Buscar por código, nombre o documento").fill(DOCUMENT)
    page.get_by_role("button", name="Buscar").click()
    results = page.locator("section[aria-labelledby='emitidos-titulo'] tbody tr")
    expect(results.filter(has_text="Ana Lucía Peñaranda Ruíz")).to_have_count(2)
    expect(page.get_by_label("Buscar por código, nombre o documento")).to_have_value(DOCUMENT)
    assert DOCUMENT not in page.url and "q=" not in page.url
    assert_accessible(page)
    page.get_by_role("button", name="Siguiente").click()
    expect(results.filter(has_text="Ana Lucía Peñaranda Ruíz")).to_have_count(1)
    expect(page.get_by_label("Buscar por código, nombre o documento")).to_have_value(DOCUMENT)
    assert DOCUMENT not in page.url and "q=" not in page.url
    assert_accessible(page)
