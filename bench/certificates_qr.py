"""The certificate QR, earlier JWS form against the compact form: size and how well it scans.

For a typical document and the worst case (random Cyrillic letters, two UTF-8 bytes each
and nearly incompressible, at every length a document holds), prints per format: the QR
version at EC Q, the modules a side, how many of 10 simulated print-and-scan variants of
a 200-dpi render of the PDF decode with the symbol printed 3 cm and 4 cm wide (1-3 degree
rotation, blur, noise, a slight scale change), and the CPU time to sign and build the symbol.

    .venv/bin/python bench/certificates_qr.py [--variants 10] [--seed 7]
"""

import argparse
import random
import sys
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image, ImageChops, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lms import create_app  # noqa: E402

BASE = "https://formaciontic.cucuta.gov.co"
QR_POINTS, QR_X, QR_Y = 122.0, 666.0, 60.0  # lms/certificates/layout.py: size and corner
QR_CM = QR_POINTS / 72 * 2.54
DPI = 200


def _documents(rng: random.Random) -> dict[str, dict]:
    def cyrillic(n: int) -> str:
        return "".join(chr(rng.randint(0x0410, 0x044F)) for _ in range(n))

    common = {"code": "H7MD-PJZ3-HW4H-3ZK8-U", "completed_on": date(2023, 6, 1),
              "site_name": "CAC La Atalaya", "trainer_name": "Formadora Número 1",
              "issued_at": datetime(2023, 6, 10, 15, 0)}
    return {
        "típico": {**common, "kind": "certificado", "holder_name": "María José Núñez Ibáñez",
                   "document_type": "CC", "document_number": "1090124908",
                   "course_code": "ALF-DIG",
                   "course_name": "Alfabetización digital para la ciudadanía",
                   "hours": Decimal(40)},
        "peor caso": {**common, "kind": "certificado", "holder_name": cyrillic(241),
                      "document_type": "PEP", "document_number": "X12345678",
                      "course_code": cyrillic(30), "course_name": cyrillic(200),
                      "hours": Decimal("9999.75")},
    }


def _old_text(ring, record: dict) -> str:
    import calendar

    from lms.certificates.issue import hours_value, masked_document

    claims = {
        "iss": BASE, "jti": record["code"], "iat": calendar.timegm(record["issued_at"].timetuple()),
        "name": record["holder_name"],
        "doc": masked_document(record["document_type"], record["document_number"]),
        "course": record["course_code"], "course_name": record["course_name"],
        "hours": hours_value(record["hours"]), "completed": record["completed_on"].isoformat(),
        "kind": record["kind"],
    }
    return f"{BASE}/v/{record['code']}#{ring.sign(claims)}"


def _new_text(ring, record: dict) -> str:
    from lms.certificates import compact, layout

    values = compact.field_values(record, layout.local_date(record["issued_at"]))
    return compact.build(BASE, record["code"], values, ring.keys[ring.current].private_key,
                         ring.thumbprint_prefix(ring.current))


def _scan(pdf: bytes, width_cm: float, rng: random.Random, variants: int) -> int:
    """Reads out of ``variants``: the page printed with a ``width_cm`` symbol, scanned at DPI."""
    scale = DPI / 72 * width_cm / QR_CM
    document = pdfium.PdfDocument(pdf)
    page = document[0]
    image = page.render(scale=scale, grayscale=True).to_pil()
    height = page.get_height()
    document.close()
    margin = 24 * scale
    box = (int((QR_X - margin) * scale), int((height - QR_Y - QR_POINTS - margin) * scale),
           int((QR_X + QR_POINTS + margin) * scale), int((height - QR_Y + margin) * scale))
    crop = image.crop(box).convert("L")
    reads = 0
    for _ in range(variants):
        variant = crop.rotate(rng.choice((-1, 1)) * rng.uniform(1, 3), Image.BICUBIC,
                              expand=True, fillcolor=255)
        factor = rng.uniform(0.97, 1.03)
        variant = variant.resize((round(variant.width * factor), round(variant.height * factor)),
                                 Image.BILINEAR)
        variant = variant.filter(ImageFilter.GaussianBlur(rng.uniform(0.5, 1.1)))
        noise = Image.effect_noise(variant.size, rng.uniform(12, 24))
        variant = ImageChops.add(variant, noise, 1.0, -128)
        found = zxingcpp.read_barcode(variant, formats=zxingcpp.BarcodeFormat.QRCode)
        reads += bool(found and found.valid)
    return reads


def _symbol(text: str) -> tuple[int, bytes] | None:
    from lms.certificates import qr

    try:
        return qr.matrix(text)
    except Exception:  # noqa: BLE001 - beyond version 40 at Q: no symbol at all
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--variants", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    from lms.certificates import issue, layout, qr, signing

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/b.sqlite3",
                          "SIGNING_KEY_DIR": f"{tmp}/keys", "SECRET_KEY": "bench",
                          "BASE_URL": BASE})
        with app.app_context():
            ring = signing.keyring()
            rng = random.Random(args.seed)
            print(f"QR a EC {qr.EC_LEVEL}; {args.variants} variantes de impresión y escaneo "
                  f"a {DPI} ppp por tamaño\n")
            print(f"{'documento':<10} {'formato':<9} {'versión':>7} {'módulos':>7} "
                  f"{'3 cm':>5} {'4 cm':>5} {'firma+símbolo':>14} {'bytes':>6}")
            for label, record in _documents(rng).items():
                printed = layout.Printed(**{k: record[k]
                                            for k in layout.Printed.__dataclass_fields__})
                for name, build in (("JWS", _old_text), ("compacto", _new_text)):
                    text = build(ring, record)
                    symbol = _symbol(text)
                    runs = 200
                    start = time.process_time()  # CPU: the machine is shared
                    for _ in range(runs):
                        _symbol(build(ring, record))
                    per_doc = (time.process_time() - start) * 1000 / runs
                    if symbol is None:
                        print(f"{label:<10} {name:<9} {'> 40':>7} {'—':>7} {'—':>5} {'—':>5} "
                              f"{per_doc:>11.2f} ms {len(text):>6}")
                        continue
                    pdf = layout.render(printed, f"{BASE}/v/{record['code']}", symbol,
                                        app.config["ISSUER_NAME"], issue.logo_path())
                    reads = [_scan(pdf, cm, rng, args.variants) for cm in (3.0, 4.0)]
                    print(f"{label:<10} {name:<9} {qr.version(symbol[0]):>7} {symbol[0]:>7} "
                          f"{reads[0]:>2}/{args.variants} {reads[1]:>2}/{args.variants} "
                          f"{per_doc:>11.2f} ms {len(text):>6}")


if __name__ == "__main__":
    main()
