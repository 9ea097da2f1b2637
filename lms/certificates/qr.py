"""QR codes: encode the verification text, and read it back from a PDF.

Encoding uses zxing-cpp's compiled encoder (about 1 ms for the symbol we need)
rather than the pure-Python ``qrcode`` package (about 20 ms), because issuing has
a 5 ms per document budget. The symbol is drawn as vector squares in the PDF, so
it stays sharp at any print or render resolution.
"""

import zxingcpp
from PIL import Image

#: Error correction: M survives a crease or a stain and keeps the symbol small.
EC_LEVEL = "M"
#: A fixed data mask. Choosing the mask by scoring all eight (what encoders do by
#: default) costs ~2 ms, most of the issue budget; the scoring exists to break up
#: patterns in structured data, and our payload is base64 of signed JSON, which
#: looks random under any mask. Every mask is valid QR for every reader.
DATA_MASK = 0


def matrix(text: str) -> tuple[int, bytes]:
    """The symbol of ``text`` as (modules a side, rows of packed bits, 0 = dark, no quiet zone).

    That is exactly the sample layout of a 1-bit PDF image mask, so the PDF embeds
    it as is.
    """
    barcode = zxingcpp.create_barcode(
        text, zxingcpp.BarcodeFormat.QRCode, ec_level=EC_LEVEL, data_mask=DATA_MASK
    )
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

    document = pdfium.PdfDocument(data)
    try:
        page = document[0]
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
        page.close()
    finally:
        document.close()
    result = zxingcpp.read_barcode(image, formats=zxingcpp.BarcodeFormat.QRCode)
    return result.text if result is not None and result.valid else None
