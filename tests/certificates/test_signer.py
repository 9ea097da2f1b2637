"""The office sets who signs: name, title and signature image, frozen into each document."""

import io

import pypdfium2 as pdfium
from PIL import Image
from sqlalchemy import func, select

from lms.certificates.models import Certificate, Signer
from lms.extensions import db as _db
from tests.certificates.conftest import completed_enrollment


def _png(color=(20, 40, 160, 255), size=(240, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, color).save(out, "PNG")
    return out.getvalue()


def _issue(client, enrollment) -> Certificate:
    client.post("/admin/certificados/emitir", data={"enrollment_id": enrollment.id})
    return _db.session.scalar(select(Certificate).filter_by(enrollment_id=enrollment.id))


def _page(cert: Certificate):
    pdf = _db.session.scalar(select(Certificate.pdf).filter_by(id=cert.id))
    document = pdfium.PdfDocument(pdf)
    page = document[0]
    text = page.get_textpage().get_text_range()
    images = [o for o in page.get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
    return text, images


def test_documents_carry_the_signer_set_when_they_were_issued(client, login, admin, db):
    login(admin)
    before = _issue(client, completed_enrollment())
    text, images = _page(before)
    assert "Jefe Oficina TIC" in text and len(images) == 2  # the logo and the QR

    response = client.post("/admin/certificados/firma", data={
        "name": "  Laura   Contreras Ibarra ", "title": "Jefa de la Oficina TIC",
        "image": (io.BytesIO(_png()), "firma.png")}, content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get("/admin/certificados/firma").get_data(as_text=True)
    assert "Laura Contreras Ibarra" in page and "Jefa de la Oficina TIC" in page

    signed = _issue(client, completed_enrollment())
    text, images = _page(signed)
    assert "Laura Contreras Ibarra" in text and "Jefa de la Oficina TIC" in text
    assert len(images) == 3  # the logo, the signature and the QR
    assert signed.signer_id == _db.session.scalar(select(Signer.id))

    # A new signer applies from now on; documents already issued keep theirs.
    client.post("/admin/certificados/firma", data={"name": "Andrés Mora",
                                                   "title": "Jefe Oficina TIC (e)"})
    later = _issue(client, completed_enrollment())
    assert "Andrés Mora" in _page(later)[0] and len(_page(later)[1]) == 3  # image kept
    assert "Laura Contreras Ibarra" in _page(signed)[0]
    assert _db.session.get(Certificate, signed.id).signer_id != later.signer_id


def test_bad_input_names_the_field_keeps_the_input_and_writes_nothing(client, login, admin, db):
    login(admin)
    cases = (
        ({"name": "", "title": "Jefa"}, "Escriba el nombre de quien firma."),
        ({"name": "Laura", "title": "Jefa", "image": (io.BytesIO(b"no es imagen"), "f.png")},
         "No se pudo leer la imagen de la firma"),
        ({"name": "Laura", "title": "Jefa", "image": (io.BytesIO(b"GIF89a" + b"0" * 30),
                                                      "f.gif")},
         "No se pudo leer la imagen de la firma"),
        ({"name": "L" * 121, "title": "Jefa"}, "120"),
    )
    for data, message in cases:
        response = client.post("/admin/certificados/firma", data=data,
                               content_type="multipart/form-data")
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and message in page, message
        assert 'value="Jefa"' in page  # the input is kept
    assert _db.session.scalar(select(func.count(Signer.id))) == 0
