"""Browser: an admin batch-issues a cohort's documents (background thread, progress page);
a citizen downloads theirs from the portal; the page the compact QR opens says the
signature is genuine with the network cut, and leads with red for a tampered fragment."""

import hashlib
import re
from datetime import date, datetime, timedelta

import pypdfium2 as pdfium
import pytest
import zxingcpp
from playwright.sync_api import expect

from lms.extensions import db
from tests import factories
from tests.browser.conftest import assert_accessible, enter_as, make_user

pytestmark = pytest.mark.browser


def _seed(app) -> str:
    with app.app_context():
        cohort = factories.cohort(code="G-ALFA-1", course=factories.course(
            name="Alfabetización digital", document_kind="certificado"))
        person = factories.person(first_names="Ana Lucía", last_names="Peñaranda Ruíz",
                                  document_number="1093555777", birth_date=date(1985, 7, 9))
        factories.enrollment(cohort=cohort, person_=person, status="completo",
                             hours_credited=20, completed_on=date(2023, 3, 1))
        factories.enrollment(cohort=cohort, status="completo", hours_credited=20,
                             completed_on=date(2023, 3, 1))
        db.session.commit()
        return cohort.code


def _qr_text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    image = document[0].render(scale=200 / 72).to_pil()
    document.close()
    return zxingcpp.read_barcode(image, formats=zxingcpp.BarcodeFormat.QRCode).text


def test_citizen_downloads_and_verifies_offline(live_server, live_app, page, tmp_path):
    cohort = _seed(live_app)
    make_user(live_app, "admin", "admin@example.org")
    enter_as(page, live_server, "admin@example.org")
    page.goto(live_server + "/admin/certificados")
    expect(page.get_by_role("heading", name="Pendientes de emisión")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Grupo", exact=True).select_option(cohort)
    page.get_by_role("button", name="Emitir pendientes").click()
    expect(page.get_by_role("status").filter(has_text="2 / 2 · terminado")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Salir").click()

    page.goto(live_server + "/certificados")
    assert_accessible(page)
    page.get_by_label("Tipo de documento").select_option("CC")
    page.get_by_label("Número de documento").fill("1.093.555.777")
    page.get_by_label("Fecha de nacimiento").fill("1985-07-09")
    page.get_by_role("button", name="Consultar").click()
    expect(page.get_by_role("cell", name="Alfabetización digital")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Descargar PDF").click()
    path = tmp_path / "certificado.pdf"
    info.value.save_as(path)
    pdf = path.read_bytes()

    text = _qr_text(pdf)
    assert text.startswith(live_server.upper() + "/V/")
    code = text.split("/V/", 1)[1].split("#", 1)[0]
    page.goto(text)
    expect(page.locator("#estado")).to_contain_text("VÁLIDO")
    result = page.locator("#firma-resultado")
    expect(result).to_contain_text("Firma auténtica")
    expect(page.locator("#veredicto")).to_contain_text("AUTÉNTICO Y VIGENTE")
    expect(page.locator("#veredicto")).to_have_class(re.compile("alert-success"))
    expect(page.locator("#estado-lista")).to_contain_text("Estado comprobado el")
    expect(page.locator("#firma-datos")).to_contain_text("Ana Lucía Peñaranda Ruíz")
    assert hashlib.sha256(pdf).hexdigest() in page.content()
    assert "1093555777" not in page.content()
    assert_accessible(page)

    # Cut the network: everything now comes from the page's own cache.
    page.route("**/*", lambda route: route.abort())
    page.context.set_offline(True)
    page.get_by_role("button", name="Verificar de nuevo").click()
    expect(result).to_contain_text("Firma auténtica")
    expect(page.locator("#estado-lista")).to_contain_text("copia guardada")
    # Two days later, still offline: the saved list has expired, so revocation is unknown.
    page.clock.set_fixed_time(datetime.now() + timedelta(days=2))
    page.get_by_role("button", name="Verificar de nuevo").click()
    expect(result).to_contain_text("no se sabe si fue revocado")
    expect(page.locator("#estado-lista")).to_contain_text("La lista venció")
    assert_accessible(page)

    digits = text.split("#", 1)[1]
    forged = digits[:50] + str((int(digits[50]) + 1) % 10) + digits[51:]
    page.evaluate("h => { location.hash = h; }", forged)
    expect(result).to_contain_text("Firma NO auténtica")
    expect(page.locator("#veredicto")).to_contain_text("NO COINCIDE / NO AUTÉNTICO")
    assert code in page.url
    page.mouse.move(0, 0)  # no hover transition under the pointer while axe measures
    assert_accessible(page)


def _issued_text(app) -> tuple[str, str]:
    """Issue one document in the live database; return its QR text and its code."""
    from lms.certificates.issue import issue_for
    from tests.certificates.conftest import qr_text

    with app.app_context():
        person = factories.person(first_names="Ana Lucía", last_names="Peñaranda Ruíz")
        enrollment = factories.enrollment(person_=person, status="completo", hours_credited=20,
                                          completed_on=date(2023, 3, 1))
        cert = issue_for(enrollment)
        db.session.commit()
        return qr_text(cert, app.config["BASE_URL"]), cert.code


def _first_screen_says(page, text: str) -> None:
    banner = page.locator("#veredicto")
    expect(banner).to_contain_text(text)
    expect(banner).to_have_class(re.compile("alert-danger"))
    # First in the page, and on the first screen of a phone.
    assert page.evaluate("document.querySelector('main').firstElementChild.id") == "veredicto"
    box = banner.bounding_box()
    assert box["y"] + box["height"] <= page.viewport_size["height"]
    # Nothing green anywhere, and the registry's own status only below the verdict.
    expect(page.locator(".alert-success, .text-bg-success")).to_have_count(0)
    assert page.locator("#estado").bounding_box()["y"] > box["y"] + box["height"]


def test_forged_fragment_leads_with_red_on_a_phone_offline(live_server, live_app, phone_page):
    from lms.certificates import compact, signing

    text, code = _issued_text(live_app)
    page = phone_page
    page.goto(text)
    expect(page.locator("#veredicto")).to_contain_text("AUTÉNTICO Y VIGENTE")
    # From here on the network is gone: keys and list come from the page's own cache.
    page.route("**/*", lambda route: route.abort())
    page.context.set_offline(True)

    head, digits = text.split("#", 1)
    forged = digits[:60] + str((int(digits[60]) + 3) % 10) + digits[61:]
    page.evaluate("h => { location.hash = h; }", forged)
    _first_screen_says(page, "NO COINCIDE / NO AUTÉNTICO")
    expect(page.locator("#firma-resultado")).to_contain_text("Firma NO auténtica")
    assert_accessible(page)

    # Genuinely signed, but carrying data the registry does not hold (a key misused, or a
    # record changed): the differing field is named and highlighted.
    with live_app.app_context():
        ring = signing.keyring()
        values = compact.parse(text).values()
        values["hours"] = "200"
        signed = compact.build(live_app.config["BASE_URL"], code, list(values.values()),
                               ring.keys[ring.current].private_key,
                               ring.thumbprint_prefix(ring.current))
    page.evaluate("h => { location.hash = h; }", signed.split("#", 1)[1])
    _first_screen_says(page, "NO COINCIDE / NO AUTÉNTICO")
    expect(page.locator("#veredicto")).to_contain_text("Horas")
    row = page.locator("#qr-filas tr.table-danger")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("200")
    expect(page.locator("#estado-lista")).to_contain_text("copia guardada")
    assert_accessible(page)


def test_a_document_of_the_earlier_jws_form_still_verifies(live_server, live_app, page):
    from lms.certificates.models import Certificate
    from tests.certificates.conftest import legacy_jws

    _, code = _issued_text(live_app)
    with live_app.app_context():
        cert = db.session.scalar(db.select(Certificate).filter_by(code=code))
        text = legacy_jws(cert, live_server)
        db.session.commit()
    page.goto(text)
    expect(page.locator("#firma-resultado")).to_contain_text("Firma auténtica")
    expect(page.locator("#veredicto")).to_contain_text("AUTÉNTICO Y VIGENTE")
    expect(page.locator("#firma-datos")).to_contain_text("Ana Lucía Peñaranda Ruíz")
    assert_accessible(page)


def test_citizen_gets_the_document_again_by_email(live_server, live_app, page, tmp_path,
                                                  monkeypatch):
    from lms.certificates.issue import issue_for
    from tests.ops.conftest import mail_to_folder

    mail_to_folder(monkeypatch, live_app.config, tmp_path)
    with live_app.app_context():
        person = factories.person(document_number="1093444888", birth_date=date(1979, 2, 3),
                                  email="rosa.parra@example.org")
        enrollment = factories.enrollment(person_=person, status="completo", hours_credited=20,
                                          completed_on=date(2023, 3, 1))
        code = issue_for(enrollment).code
        db.session.commit()
    page.goto(live_server + "/certificados")
    page.get_by_label("Tipo de documento").select_option("CC")
    page.get_by_label("Número de documento").fill("1093444888")
    page.get_by_label("Fecha de nacimiento").fill("1979-02-03")
    page.get_by_role("button", name="Consultar").click()
    page.get_by_role("button", name=f"Enviar a mi correo {code}").click()
    expect(page.get_by_text(f"Enviamos el documento {code} a su correo registrado "
                            "(ro***@example.org)")).to_be_visible()
    assert_accessible(page)
    sent = [p.read_bytes() for p in tmp_path.glob("mail-*.eml")]
    assert any(b"rosa.parra@example.org" in m and code.encode() in m for m in sent)
