"""QR codes: encode the verification text, and read it back from a PDF.

Encoding uses zxing-cpp's compiled encoder (about 1 ms for the symbol we need)
rather than the pure-Python ``qrcode`` package (about 20 ms), because issuing has
a 5 ms per document budget. The symbol is drawn as vector squares in the PDF, so
it stays sharp at any print or render resolution.

Size. The text is the compact form of ``compact.py`` (issue 11's contract): the
upper-cased address and the 16-symbol code in alphanumeric mode, "#" in byte mode,
and the signed payload as decimal digits in numeric mode; zxing-cpp's encoder picks
those segments itself. With the production address (54 characters before the digits) a
typical document (a 23-letter accented name, a 41-letter course name) is a version 13
symbol at EC Q; the caps on name (100 bytes), course (30) and course name (84) bound
the payload at 322 bytes, about 776 digits, which is version 17 at Q whatever the
script (tests/certificates/test_compact_qr.py issues the worst case in 2-, 3- and
4-byte scripts; bench/certificates_qr.py prints the table).
"""

import zxingcpp
from flask_babel import gettext as _
from PIL import Image

from lms.errors import ValidationError

#: Error correction Q (25 % of the symbol): a printed, folded, photographed
#: certificate still reads, and the compact payload keeps the symbol at version 13-17.
EC_LEVEL = "Q"
#: A fixed data mask. Choosing the mask by scoring all eight (what encoders do by
#: default) costs ~2 ms, most of the issue budget; the scoring exists to break up
#: patterns in structured data, and our payload is the digits of a signature and of
#: compressed text, which look random under any mask. Every mask is valid QR for every
#: reader; bench/certificates_qr.py measures how the symbol scans.
DATA_MASK = 0
#: Largest version the worst case above needs at EC_LEVEL (see the module docstring).
WORST_CASE_VERSION = 17
#: Version of a typical document with the production address.
TYPICAL_VERSION = 13


def matrix(text: str) -> tuple[int, bytes]:
    """The symbol of ``text`` as (modules a side, rows of packed bits, 0 = dark, no quiet zone).

    That is exactly the sample layout of a 1-bit PDF image mask, so the PDF embeds
    it as is.
    """
    try:
        barcode = zxingcpp.create_barcode(
            text, zxingcpp.BarcodeFormat.QRCode, ec_level=EC_LEVEL, data_mask=DATA_MASK
        )
    except ValueError as exc:  # more than a version 40 symbol holds
        raise ValidationError(
            _(
                "Los datos del documento son demasiado largos para su código QR; abrevie el "
                "nombre de la persona o del curso.",
            )
        ) from exc
    image = barcode.to_image(scale=1, add_quiet_zones=False)
    size = image.shape[0]
    packed = Image.frombytes("L", (size, size), bytes(memoryview(image))).convert("1").tobytes()
    return size, packed


def version(size: int) -> int:
    """QR version of a symbol with ``size`` modules a side."""
    return (size - 17) // 4


def read_pdf(data: bytes, dpi: int = 200) -> str | None:
    """Render the first page of a PDF at ``dpi`` and return the QR text found on it."""
    import pypdfium2 as pdfium  # rendering is needed only to read PDFs back

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:  # not a PDF: no QR to find
        return None
    try:
        page = document[0]
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
        page.close()
    finally:
        document.close()
    result = zxingcpp.read_barcode(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return result.text if result is not None and result.valid else None
