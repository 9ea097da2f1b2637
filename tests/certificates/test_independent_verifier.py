"""An independent verifier of the compact QR, written from issue 11's grammar with
`cryptography` and the standard library only (no lms code), against a certificate issued
by `lms issue-certificates` and read from its PDF at 200 dpi."""

import base64
import hashlib
import json
import re
import zlib

import pypdfium2 as pdfium
import zxingcpp
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from sqlalchemy import select

from tests import factories
from tests.certificates.conftest import completed_enrollment, standalone_app

BASE_URL = "https://formaciontic.cucuta.gov.co"
GRAMMAR = re.compile(r"^(?P<scheme>[A-Z]+)://(?P<host>[^/]+)(?P<path>(?:/[^#]*)?)/V/"
                     r"(?P<code16>[0-9A-Z]{16})#(?P<digits>[1-9][0-9]*)$")
FIELD_NAMES = ("kind", "name", "doc", "course", "course_name", "hours", "completed", "issued")


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _thumbprint(jwk: dict) -> bytes:
    canonical = json.dumps({k: jwk[k] for k in ("crv", "kty", "x", "y")},
                           separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(canonical.encode()).digest()


def independent_verify(text: str, jwks: dict, base_url: str) -> dict:
    """Return the carried fields if the text is genuine for ``base_url``; raise otherwise."""
    match = GRAMMAR.match(text)
    if not match:
        raise ValueError("grammar")
    number = int(match["digits"])
    payload = number.to_bytes((number.bit_length() + 7) // 8, "big")
    vf, kid, body, sig = payload[0], payload[1:3], payload[3:-64], payload[-64:]
    if vf & 0xF0 != 0x10:
        raise ValueError("version")
    fields = zlib.decompress(body, -15) if vf & 0x01 else body
    scheme, rest = base_url.split("://", 1)
    host, _, path = rest.partition("/")
    issuer = host.lower() + ("/" + path if path else "").rstrip("/")
    signed = b"FTIC1\n" + issuer.encode() + b"\n" + match["code16"].encode() + b"\n" + fields
    signature = encode_dss_signature(int.from_bytes(sig[:32], "big"),
                                     int.from_bytes(sig[32:], "big"))
    for jwk in jwks["keys"]:
        if _thumbprint(jwk)[:2] != kid:
            continue
        key = ec.EllipticCurvePublicNumbers(int.from_bytes(_b64url_decode(jwk["x"]), "big"),
                                            int.from_bytes(_b64url_decode(jwk["y"]), "big"),
                                            ec.SECP256R1()).public_key()
        try:
            key.verify(signature, signed, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            continue
        return dict(zip(FIELD_NAMES, fields.decode("utf-8").split("\n"), strict=True))
    raise ValueError("signature")


def test_issued_by_the_command_verifies_independently(tmp_path):
    from lms.certificates.models import Certificate
    from lms.extensions import db

    with standalone_app(tmp_path, BASE_URL=BASE_URL) as app:
        with app.app_context():
            course = factories.course(code="ALF-DIG", hours=40, document_kind="certificado",
                                      name="Alfabetización digital para la ciudadanía")
            person = factories.person(first_names="María José", last_names="Núñez Ibáñez",
                                      document_number="1090124908")
            completed_enrollment(factories.cohort(course=course), person)
            db.session.commit()
        result = app.test_cli_runner().invoke(args=["lms", "issue-certificates"])
        assert "Se emitió 1 documento." in result.output
        with app.app_context():
            cert = db.session.scalar(select(Certificate))
            pdf, code = cert.pdf, cert.code
        jwks = app.test_client().get("/.well-known/jwks.json").get_json()

    document = pdfium.PdfDocument(pdf)
    image = document[0].render(scale=200 / 72).to_pil()
    document.close()
    barcode = zxingcpp.read_barcode(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert barcode.valid and barcode.extra["ECLevel"] == "Q"
    assert int(barcode.extra["Version"]) <= 13
    text = barcode.text
    assert text.startswith("HTTPS://FORMACIONTIC.CUCUTA.GOV.CO/V/" + code.replace("-", "")[:16])

    fields = independent_verify(text, jwks, BASE_URL)
    assert fields == {"kind": "c", "name": "María José Núñez Ibáñez", "doc": "CC4908",
                      "course": "ALF-DIG", "course_name": "Alfabetización digital para la "
                      "ciudadanía", "hours": "40", "completed": "20210515",
                      "issued": fields["issued"]}
    assert re.fullmatch(r"20\d{6}", fields["issued"])
    # The same verifier refuses a changed digit, a changed code and another issuer.
    head, digits = text.split("#")
    for forged, base in ((f"{head}#{digits[:-1]}{(int(digits[-1]) + 1) % 10}", BASE_URL),
                         (head[:-1] + ("0" if head[-1] != "0" else "1") + "#" + digits,
                          BASE_URL),
                         (text, "https://otro.example.gov.co")):
        try:
            independent_verify(forged, jwks, base)
        except ValueError:
            continue
        raise AssertionError(f"accepted {forged[:80]}… for {base}")
