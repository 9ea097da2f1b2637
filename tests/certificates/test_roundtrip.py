"""Issue -> PDF -> 200 dpi render -> QR -> JWS verified by joserfc with the served JWKS."""

import base64
import json
import random
from decimal import Decimal

import pypdfium2 as pdfium
import zxingcpp
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from lms.certificates.models import Certificate
from lms.certificates.qr import WORST_CASE_VERSION
from tests import factories
from tests.certificates.conftest import completed_enrollment

#: A realistic production address (the QR text carries it twice: URL and iss).
PRODUCTION = "https://formaciontic.cucuta.gov.co"


def _qr_from_pdf(data: bytes):
    document = pdfium.PdfDocument(data)
    image = document[0].render(scale=200 / 72).to_pil()
    document.close()
    return zxingcpp.read_barcode(image, formats=zxingcpp.BarcodeFormat.QRCode)


def test_round_trip_pdf_qr_jws_with_joserfc(client, issued, app):
    pdf = client.get(f"/api/v1/certificates/{issued.code}/pdf")  # needs a token: 401
    assert pdf.status_code == 401
    data = issued.pdf
    assert data.startswith(b"%PDF-") and len(data) < 150 * 1024
    barcode = _qr_from_pdf(data)
    assert barcode is not None and barcode.valid
    text = barcode.text
    base = app.config["BASE_URL"]
    assert text == f"{base}/v/{issued.code}#{issued.jws}"
    assert barcode.extra["ECLevel"] == "M"
    token = text.split("#", 1)[1]

    keys = KeySet.import_key_set(client.get("/.well-known/jwks.json").get_json())
    obj = jws.deserialize_compact(token, keys, algorithms=["ES256"])
    assert obj.protected == {"alg": "ES256", "kid": issued.kid}
    claims = json.loads(obj.payload)
    assert claims["iss"] == base
    assert claims["jti"] == issued.code
    assert claims["name"] == "María José Núñez Ibáñez"
    assert claims["doc"] == "CC ****3456"
    assert claims["course"] == issued.course_code
    assert claims["course_name"] == "Uso básico de las TIC"
    assert claims["hours"] == 20
    assert claims["completed"] == "2021-05-15"
    assert claims["kind"] == "constancia"
    assert isinstance(claims["iat"], int)


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
                     issued.site_name, "Pedro Peña"):
        assert expected in text, expected


def test_worst_case_qr_decodes_at_200_dpi_within_the_documented_version(app, db,
                                                                        monkeypatch):
    """Longest name, course and code a document holds, every letter two bytes in UTF-8."""
    from lms.certificates.issue import issue_for

    monkeypatch.setitem(app.config, "BASE_URL", PRODUCTION)
    longest = {c.name: c.type.length for c in Certificate.__table__.columns
               if c.name in ("holder_name", "course_code", "course_name")}
    course = factories.course(code="Ñ" * longest["course_code"],
                              name="Ó" * longest["course_name"], hours=Decimal("9999.75"),
                              document_kind="certificado")
    # First and last names as long as the document's name may be (one space between).
    first = longest["holder_name"] // 2
    person = factories.person(document_type="PEP", document_number="X12345678",
                              first_names="Á" * first,
                              last_names="Ü" * (longest["holder_name"] - first - 1))
    # Three trainers with the longest names a user may have, all printed on the document.
    trainers = [factories.user(role="trainer", name=letter * 120) for letter in "ÉÍÚ"]
    cohort = factories.cohort(course=course, trainers=trainers)
    cert = issue_for(completed_enrollment(cohort, person))
    assert len(cert.holder_name) == longest["holder_name"]
    assert len(cert.trainer_name) == 3 * 120 + 2 * 2

    barcode = _qr_from_pdf(cert.pdf)
    expected = f"{PRODUCTION}/v/{cert.code}#{cert.jws}"
    assert barcode is not None and barcode.valid and barcode.text == expected
    assert len(expected) == 1729  # the sum in lms/certificates/qr.py's docstring
    assert barcode.extra["ECLevel"] == "M"
    assert int(barcode.extra["Version"]) <= WORST_CASE_VERSION


def _mutate(token: str, rng: random.Random) -> str:
    header, payload, signature = token.split(".")
    part = rng.choice(["payload", "signature", "payload_json"])
    if part == "signature":
        sig = bytearray(base64.urlsafe_b64decode(signature + "=="))
        sig[rng.randrange(64)] ^= 1 << rng.randrange(8)
        return f"{header}.{payload}.{base64.urlsafe_b64encode(bytes(sig)).rstrip(b'=').decode()}"
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    if part == "payload":
        raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
    else:
        claims = json.loads(raw)
        key = rng.choice(sorted(claims))
        claims[key] = rng.choice(["x", 0, 99, "CC ****0000", None, str(claims[key]) + "x",
                                  rng.randrange(10**6)])
        raw = bytearray(json.dumps(claims, separators=(",", ":")).encode())
    new_payload = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    return f"{header}.{new_payload}.{signature}"


def test_thousand_random_mutations_are_rejected(client, issued):
    from lms.certificates.verify import verify_text

    jwks = client.get("/.well-known/jwks.json").get_json()
    keys = KeySet.import_key_set(jwks)
    rng = random.Random(4)
    assert verify_text(issued.jws, jwks).genuine
    seen: set[str] = set()
    while len(seen) < 1000:
        bad = _mutate(issued.jws, rng)
        if bad == issued.jws or bad in seen:
            continue
        seen.add(bad)
        assert not verify_text(bad, jwks).genuine, bad
        try:
            jws.deserialize_compact(bad, keys, algorithms=["ES256"])
        except (JoseError, ValueError):
            pass
        else:
            raise AssertionError(f"joserfc accepted {bad}")
