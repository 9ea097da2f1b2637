"""A small PDF writer for certificates: one landscape A4 page, vector text, embedded fonts.

Why not build each file with fpdf2? fpdf2 subsets the TrueType fonts on every
output (about 80 ms a document), sixteen times the 5 ms budget for issuing. Here
the font, ToUnicode and logo objects are built once per process and reused
byte for byte; each document only adds its own content stream. The layout lives
in ``layout.py``; this module knows PDF syntax only.
"""

import hashlib
import zlib
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from PIL import Image

from lms.certificates import fonts

WIDTH, HEIGHT = 842, 595  # A4 landscape, points
FONT_NAMES = {"regular": "F1", "bold": "F2"}
_FIRST_RESOURCE = 5


def _stream(obj_dict: str, data: bytes) -> bytes:
    return f"<< {obj_dict} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def _font_objects(face: str, chars: frozenset[str], first: int) -> list[bytes]:
    """Type0 font, CIDFont, descriptor, font file and ToUnicode as objects first..first+4."""
    m = fonts.metrics(face)
    tag = "".join(
        chr(65 + b % 26) for b in hashlib.sha256("".join(sorted(chars)).encode()).digest()[:6]
    )
    base = f"/{tag}+{m.name.replace(' ', '')}"
    program = fonts.font_program(face, chars)
    length1 = len(zlib.decompress(program))
    bbox = " ".join(str(v) for v in m.bbox)
    return [
        f"<< /Type /Font /Subtype /Type0 /BaseFont {base} /Encoding /Identity-H "
        f"/DescendantFonts [{first + 1} 0 R] /ToUnicode {first + 4} 0 R >>".encode(),
        f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont {base} /CIDSystemInfo "
        "<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        f"/FontDescriptor {first + 2} 0 R /DW 600 /W {fonts.widths_array(face, chars)} "
        "/CIDToGIDMap /Identity >>".encode(),
        f"<< /Type /FontDescriptor /FontName {base} /Flags 32 /FontBBox [{bbox}] "
        f"/ItalicAngle 0 /Ascent {m.ascent} /Descent {m.descent} /CapHeight {m.cap_height} "
        f"/StemV 80 /FontFile2 {first + 3} 0 R >>".encode(),
        _stream(f"/Filter /FlateDecode /Length1 {length1}", program),
        _stream("/Filter /FlateDecode", fonts.to_unicode(face, chars)),
    ]


@lru_cache(maxsize=16)
def _resources(chars: frozenset[str], logo: str, logo_stamp: float,
               signature: str | None = None) -> tuple[bytes, ...]:
    """Every shared object (fonts, logo, signature image), numbered from 5, built once per
    charset, logo and signature."""
    objects: list[bytes] = []
    for face in ("regular", "bold"):
        objects += _font_objects(face, chars, _FIRST_RESOURCE + len(objects))
    objects += _logo_objects(logo, _FIRST_RESOURCE + len(objects))
    if signature:
        objects += _logo_objects(signature, _FIRST_RESOURCE + len(objects))
    return tuple(objects)


def _logo_objects(path: str, first: int) -> list[bytes]:
    image = Image.open(path)
    image.load()
    rgba = image.convert("RGBA")
    # Large logos would bloat every file; 300 px is plenty for 2.5 cm at 300 dpi.
    rgba.thumbnail((300, 300))
    w, h = rgba.size
    rgb, alpha = rgba.convert("RGB").tobytes(), rgba.getchannel("A").tobytes()
    common = f"/Type /XObject /Subtype /Image /Width {w} /Height {h} /BitsPerComponent 8"
    return [
        _stream(
            f"{common} /ColorSpace /DeviceRGB /Filter /FlateDecode /SMask {first + 1} 0 R",
            zlib.compress(rgb, 9),
        ),
        _stream(f"{common} /ColorSpace /DeviceGray /Filter /FlateDecode", zlib.compress(alpha, 9)),
    ]


@lru_cache(maxsize=8)
def logo_size(path: str, stamp: float = 0.0) -> tuple[int, int]:
    """Pixel size of the logo as embedded, to keep its aspect ratio on the page."""
    with Image.open(path) as image:
        w, h = image.size
    scale = min(1.0, 300 / max(w, h))
    return max(1, round(w * scale)), max(1, round(h * scale))


def _pdf_string(text: str) -> str:
    # UTF-16BE with BOM is the only text-string form that carries every accent.
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def build(
    content: bytes,
    chars: frozenset[str],
    logo: str,
    title: str,
    when: datetime,
    qr: tuple[int, bytes],
    signature: str | None = None,
) -> bytes:
    """Assemble the file: catalog, page, content stream, shared resources, info, xref.

    ``signature`` is the signer's image file (named by its content), drawn as /Sig.
    """
    resources = _resources(chars, logo, Path(logo).stat().st_mtime, signature)
    reg, bold, img = _FIRST_RESOURCE, _FIRST_RESOURCE + 5, _FIRST_RESOURCE + 10
    sig = f"/Sig {img + 2} 0 R " if signature else ""
    info = len(resources) + _FIRST_RESOURCE
    stamp = when.strftime("D:%Y%m%d%H%M%SZ")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Lang (es-CO) /ViewerPreferences "
        b"<< /DisplayDocTitle true >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {WIDTH} {HEIGHT}] /Resources "
        f"<< /Font << /F1 {reg} 0 R /F2 {bold} 0 R >> "
        f"/XObject << /Logo {img} 0 R {sig}/QR {info + 1} 0 R >> >> "
        f"/Contents 4 0 R >>".encode(),
        _stream("/Filter /FlateDecode", zlib.compress(content, 3)),
        *resources,
        f"<< /Title {_pdf_string(title)} /Producer (lms-cucuta) "
        f"/CreationDate ({stamp}) /ModDate ({stamp}) >>".encode(),
        _stream(
            f"/Type /XObject /Subtype /Image /Width {qr[0]} /Height {qr[0]} /ImageMask true "
            "/BitsPerComponent 1 /Decode [0 1] /Interpolate false /Filter /FlateDecode",
            zlib.compress(qr[1], 6),
        ),
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    # The file identifier only needs to be unique: the page content already is.
    doc_id = hashlib.md5(content, usedforsecurity=False).hexdigest()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {info} 0 R "
        f"/ID [<{doc_id}> <{doc_id}>] >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)
