"""Issue -> PDF -> 200 dpi render -> compact QR text -> verified; its size; forgeries."""

import random
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
import zxingcpp

from lms.certificates.models import Certificate
from lms.certificates.qr import TYPICAL_VERSION, WORST_CASE_VERSION
from tests import factories
from tests.certificates.conftest import completed_enrollment, qr_text

#: A realistic production address (its length decides the QR's size).
PRODUCTION = "https://formaciontic.cucuta.gov.co"


def _qr_from_pdf(data: bytes):
    document = pdfium.PdfDocument(data)
    image = document[0].render(scale=200 / 72).to_pil()
    document.close()
    return zxingcpp.read_barcode(image, formats=zxingcpp.BarcodeFormat.QRCode)


def test_round_trip_pdf_to_the_compact_qr_text(client, issued, app):
    pdf = client.get(f"/api/v1/certificates/{issued.code}/pdf")  # needs a token: 401
    assert pdf.status_code == 401
    data = issued.pdf
    assert data.startswith(b"%PDF-") and len(data) < 150 * 1024
    barcode = _qr_from_pdf(data)
    assert barcode is not None and barcode.valid
    code16 = issued.code.replace("-", "")[:16]
    assert barcode.text == f"HTTP://LOCALHOST/V/{code16}#{issued.jws}" == qr_text(issued)
    assert barcode.extra["ECLevel"] == "Q"
    assert issued.jws.isdigit() and not issued.jws.startswith("0")


def test_pdf_text_is_vector_with_accents_and_full_document(issued):
    document = pdfium.PdfDocument(issued.pdf)
    page = document[0]
    width, height = page.get_size()
    assert width > height  # landscape
    text = page.get_textpage().get_text_range()
    document.close()
    for expected in ("CONSTANCIA DE PARTICIPACIÓN", "María José Núñez Ibáñez", "1090123456",
                     "Uso básico de las TIC", "ALCALDÍA DE SAN JOSÉ DE CÚCUTA", "Oficina TIC",
                     issued.code, "Jefe Oficina TIC", "20 horas", "15 de mayo de 2021",
                     issued.site_name, "Pedro Peña", f"http://localhost/v/{issued.code}"):
        assert expected in text, expected


def test_typical_document_is_version_13_at_q(app, db, monkeypatch):
    from lms.certificates.issue import issue_for

    monkeypatch.setitem(app.config, "BASE_URL", PRODUCTION)
    course = factories.course(code="ALF-DIG", name="Alfabetización digital para la ciudadanía",
                              hours=Decimal(40), document_kind="certificado")
    person = factories.person(first_names="María José", last_names="Núñez Ibáñez")
    cert = issue_for(completed_enrollment(factories.cohort(course=course), person))
    barcode = _qr_from_pdf(cert.pdf)
    assert barcode.valid and barcode.text == qr_text(cert, PRODUCTION)
    assert barcode.text.startswith("HTTPS://FORMACIONTIC.CUCUTA.GOV.CO/V/")
    assert barcode.extra["ECLevel"] == "Q"
    assert int(barcode.extra["Version"]) <= TYPICAL_VERSION == 13


def _random_text(rng: random.Random, low: int, high: int, length: int) -> str:
    return "".join(chr(rng.randint(low, high)) for _ in range(length))


@pytest.mark.parametrize("script, low, high", [
    ("2 bytes (cirílico)", 0x0410, 0x044F),
    ("3 bytes (georgiano)", 0x10D0, 0x10F0),
    ("4 bytes (símbolos matemáticos)", 0x1D400, 0x1D6A5),
])
def test_worst_case_is_at_most_version_17_at_q(app, db, monkeypatch, script, low, high):
    """Every capped field beyond its cap, in random (incompressible) letters of one script."""
    from lms.certificates.issue import issue_for

    monkeypatch.setitem(app.config, "BASE_URL", PRODUCTION)
    rng = random.Random(script)
    longest = {c.name: c.type.length for c in Certificate.__table__.columns
               if c.name in ("holder_name", "course_code", "course_name")}
    course = factories.course(code=_random_text(rng, low, high, longest["course_code"]),
                              name=_random_text(rng, low, high, longest["course_name"]),
                              hours=Decimal("9999.75"), document_kind="certificado")
    first = longest["holder_name"] // 2
    person = factories.person(
        document_type="PEP", document_number="X12345678",
        first_names=_random_text(rng, low, high, first),
        last_names=_random_text(rng, low, high, longest["holder_name"] - first - 1))
    cert = issue_for(completed_enrollment(factories.cohort(course=course), person))
    barcode = _qr_from_pdf(cert.pdf)
    assert barcode is not None and barcode.valid and barcode.text == qr_text(cert, PRODUCTION)
    assert barcode.extra["ECLevel"] == "Q"
    assert int(barcode.extra["Version"]) <= WORST_CASE_VERSION == 17


def _mutate(text: str, rng: random.Random) -> str:
    head, digits = text.split("#", 1)
    base, code = head.rsplit("/", 1)
    where = rng.choice(["digit", "insert", "delete", "code"])
    if where == "code":
        i = rng.randrange(len(code))
        code = code[:i] + rng.choice("0123456789ABCDEFGHJKMNPQRSTVWXYZ") + code[i + 1:]
    elif where == "insert":
        i = rng.randrange(1, len(digits))
        digits = digits[:i] + rng.choice("0123456789") + digits[i:]
    elif where == "delete":
        i = rng.randrange(1, len(digits))
        digits = digits[:i] + digits[i + 1:]
    else:
        i = rng.randrange(len(digits))
        digits = digits[:i] + rng.choice("123456789" if i == 0 else "0123456789") + digits[i + 1:]
    return f"{base}/{code}#{digits}"


def test_thousand_random_mutations_are_rejected(client, issued):
    from lms.certificates.verify import verify_text

    jwks = client.get("/.well-known/jwks.json").get_json()
    text = qr_text(issued)
    rng = random.Random(4)
    assert verify_text(text, jwks, issuer="localhost").genuine
    seen: set[str] = set()
    while len(seen) < 1000:
        bad = _mutate(text, rng)
        if bad == text or bad in seen:
            continue
        seen.add(bad)
        assert not verify_text(bad, jwks, issuer="localhost").genuine, bad
