"""QR codes: encode the verification text, and read it back from a PDF.

Encoding uses zxing-cpp's compiled encoder (about 1 ms for the symbol we need)
rather than the pure-Python ``qrcode`` package (about 20 ms), because issuing has
a 5 ms per document budget. The symbol is drawn as vector squares in the PDF, so
it stays sharp at any print or render resolution.

Size. The text is ``{BASE_URL}/v/{CODE}#{JWS}`` (issue 4's contract) and is all
ASCII, since the UTF-8 claims travel inside base64url, so it is encoded in byte
mode. In bytes, with P the compact JSON payload (signing.py: no spaces, accents as
UTF-8, an 8-character kid):

    {BASE_URL}/v/{CODE}#    len(BASE_URL) + 25     59 for https://formaciontic.cucuta.gov.co
    protected header        {"alg":"ES256","kid":"…"} is 32 bytes, 43 in base64url
    "." payload "."         2 + ceil(4 P / 3)
    signature r||s          64 bytes, 86 in base64url

P is 172 + len(BASE_URL) bytes of keys, quotes, iss, jti, iat, doc, hours,
completed and kind, plus the UTF-8 bytes of name, course and course_name. With
the production address and those three left *empty*, the text is already 465
bytes, more than version 15 holds at M (412) or version 17 at Q (364): the
issue's size target cannot be met together with its own text and claims, so we
keep the contract and bound the size instead.

- Typical (a 23-letter accented name, ``ALF-DIG``, a 41-letter course name): about
  290 bytes of payload, 572 of text, version 19 (624 at M).
- Worst case (what tests/certificates/test_roundtrip.py issues): the longest
  name a document holds (241 characters, Certificate.holder_name), course name
  (200) and course code (30), every letter accented (2 bytes in UTF-8), a PEP
  number, hours 9999.75 and kind certificado: P = 1154, ceil(4 P / 3) = 1539,
  text 59 + 43 + 2 + 1539 + 86 = 1729 bytes, version 35 (1809 at M; 34 holds
  1722). At 122 pt, a 200-dpi render gives 339 px for its 157 modules, about
  2.2 px a module, which still decodes.

Names in other scripts (3 or 4 bytes a character) can go beyond that; the encoder
then picks a larger version, and text beyond version 40 is refused with a clear
message instead of failing the request.
"""

import zxingcpp
from PIL import Image

from lms.errors import ValidationError

#: Error correction: M survives a crease or a stain and keeps the symbol small.
EC_LEVEL = "M"
#: A fixed data mask. Choosing the mask by scoring all eight (what encoders do by
#: default) costs ~2 ms, most of the issue budget; the scoring exists to break up
#: patterns in structured data, and our payload is base64 of signed JSON, which
#: looks random under any mask. Every mask is valid QR for every reader.
DATA_MASK = 0
#: Largest version the worst case above needs at EC_LEVEL (see the module docstring).
WORST_CASE_VERSION = 35


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
            "Los datos del documento son demasiado largos para su código QR; abrevie el "
            "nombre de la persona o del curso."
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
