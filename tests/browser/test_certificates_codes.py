"""Browser: a document issued with Crockford's old check symbols (* ~ $ = U) still verifies
in the page's offline verifier (verify.js), from its QR, with the network cut, and its
revocation shows; a mistyped code is refused in Spanish."""

from datetime import date

import pytest
from playwright.sync_api import expect

from lms.extensions import db
from tests import factories
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser


def _old_document(app) -> tuple[str, str]:
    from lms.certificates.issue import issue_for
    from tests.certificates.conftest import old_scheme

    with app.app_context():
        person = factories.person(first_names="Ana Lucía", last_names="Peñaranda Ruíz")
        enrollment = factories.enrollment(person_=person, status="completo", hours_credited=20,
                                          completed_on=date(2023, 3, 1))
        cert = issue_for(enrollment)
        text = old_scheme(cert, app.config["BASE_URL"])
        db.session.commit()
        return text, cert.code


def test_an_old_qr_verifies_offline_and_shows_its_revocation(live_server, live_app, page):
    from lms.certificates import lifecycle
    from lms.certificates.models import Certificate

    text, code = _old_document(live_app)
    assert code[-1] in "*~$=U"
    page.goto(text)  # the QR's own address: /V/CODE16#DIGITS, upper case
    expect(page.locator("#veredicto")).to_contain_text("AUTÉNTICO Y VIGENTE")
    expect(page.locator("#firma-datos")).to_contain_text("Ana Lucía Peñaranda Ruíz")
    expect(page.locator("main")).to_contain_text(code)
    assert_accessible(page)

    # The network is gone: keys and status list come from the copies the page kept.
    page.route("**/*", lambda route: route.abort())
    page.context.set_offline(True)
    page.get_by_role("button", name="Verificar de nuevo").click()
    expect(page.locator("#estado-lista")).to_contain_text("copia guardada")
    expect(page.locator("#veredicto")).to_contain_text("AUTÉNTICO Y VIGENTE")
    page.unroute("**/*")
    page.context.set_offline(False)

    with live_app.app_context():
        cert = db.session.scalar(db.select(Certificate).filter_by(code=code))
        lifecycle.revoke(cert, "Emitido por error")
        db.session.commit()
    page.reload()
    expect(page.locator("#veredicto")).to_contain_text("REVOCADO")


def test_a_mistyped_code_is_refused_in_spanish(live_server, live_app, page):
    _, code = _old_document(live_app)
    wrong = ("1" if code[0] != "1" else "2") + code[1:]
    page.goto(f"{live_server}/v/{wrong}")
    expect(page.locator("main")).to_contain_text("no es válido")
    expect(page.locator("main")).to_contain_text("el carácter final de control no corresponde")
    assert_accessible(page)
