"""Browser: an admin sets who signs the documents, with a scanned signature."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, enter_as, make_user

pytestmark = pytest.mark.browser


def test_admin_sets_the_signer(live_server, live_app, page, tmp_path):
    make_user(live_app, "admin", "admin@example.org")
    image = tmp_path / "firma.png"
    buffer = io.BytesIO()
    Image.new("RGBA", (300, 90), (10, 30, 120, 255)).save(buffer, "PNG")
    image.write_bytes(buffer.getvalue())
    enter_as(page, live_server, "admin@example.org")
    page.goto(live_server + "/admin/certificados")
    page.get_by_role("link", name="Firma de los documentos").click()
    expect(page.get_by_role("heading", name="Firma de los documentos")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Nombre de quien firma").fill("Laura Contreras Ibarra")
    page.get_by_label("Cargo").fill("Jefa de la Oficina TIC")
    page.get_by_label("Imagen de la firma (PNG o JPG, opcional)").set_input_files(str(image))
    page.get_by_role("button", name="Guardar firma").click()
    expect(page.get_by_text("Los documentos que se emitan desde ahora llevarán esta firma."))\
        .to_be_visible()
    expect(page.get_by_text("Firma actual: Laura Contreras Ibarra, Jefa de la Oficina TIC"))\
        .to_be_visible()
    assert_accessible(page)
