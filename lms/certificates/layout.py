"""What the certificate looks like: a framed landscape page with the issuer, the holder,
the course, a signature line and the QR. Only drawing here; ``pdf.py`` writes the file."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from lms.certificates import fonts, pdf
from lms.formatting import N_, hours_number, long_date
from lms.people.models import DOCUMENT_TYPES

NAVY = "0.11 0.23 0.40"
GOLD = "0.70 0.55 0.20"
INK = "0.15 0.15 0.15"
GREY = "0.35 0.35 0.38"
TITLES = {"certificado": N_("CERTIFICADO"), "constancia": N_("CONSTANCIA DE PARTICIPACIÓN")}


@dataclass
class Printed:
    """The frozen data printed on one document."""

    code: str
    kind: str
    holder_name: str
    document_type: str
    document_number: str
    course_code: str
    course_name: str
    hours: Decimal
    completed_on: date
    site_name: str
    trainer_name: str
    issued_at: datetime


def local_date(moment: datetime) -> date:
    """The Colombian calendar date of a naive UTC time (UTC-5 all year, no DST)."""
    return (moment - timedelta(hours=5)).date()


class Canvas:
    """Collects PDF drawing operators."""

    def __init__(self):
        self.ops: list[str] = []
        self.texts: list[str] = []

    def text(self, x, y, s, face="regular", size=11.0, color=INK):
        """Draw ``s`` with its baseline starting at (x, y)."""
        self.texts.append(s)
        self.ops.append(_text_op(x, y, s, face, size, color))

    def centered(self, cx, y, s, face="regular", size=11.0, color=INK, max_width=640.0):
        """Draw ``s`` centred on ``cx``, shrinking the size until it fits ``max_width``."""
        self.texts.append(s)
        self.ops.append(_centered_op(cx, y, s, face, size, color, max_width))

    def wrapped(self, cx, y, s, face="regular", size=11.0, color=INK, width=600.0,
                leading=1.3, max_lines=3):
        """Draw ``s`` centred over up to ``max_lines`` lines (shrinking the size if needed);
        return the y below the last line."""
        lines = _wrap(s, face, size, width)
        while len(lines) > max_lines and size > 8:
            size *= 0.9
            lines = _wrap(s, face, size, width)
        for text in lines:
            self.centered(cx, y, text, face, size, color, width)
            y -= size * leading
        return y

    def raw(self, op: str):
        """Append raw operators (lines, rectangles, images)."""
        self.ops.append(op)


def _wrap(s: str, face: str, size: float, width: float) -> list[str]:
    m = fonts.metrics(face)
    space = m.width(" ", size)
    lines, line, used = [], "", 0.0
    for word in s.split():
        w = m.width(word, size)
        if line and used + space + w > width:
            lines.append(line)
            line, used = word, w
        else:
            line, used = (f"{line} {word}", used + space + w) if line else (word, w)
    lines.append(line)
    return lines


# Most lines are the same on every document; caching their operators saves the
# per-character work for all but the holder's own data.
@lru_cache(maxsize=4096)
def _text_op(x, y, s, face, size, color) -> str:
    return (
        f"BT /{pdf.FONT_NAMES[face]} {size:.2f} Tf {color} rg {x:.2f} {y:.2f} Td "
        f"<{fonts.metrics(face).encode(s)}> Tj ET"
    )


@lru_cache(maxsize=4096)
def _centered_op(cx, y, s, face, size, color, max_width) -> str:
    width = fonts.metrics(face).width(s, size)
    if width > max_width:
        size, width = size * max_width / width, max_width
    return _text_op(cx - width / 2, y, s, face, size, color)


def _frame(c: Canvas):
    w, h = pdf.WIDTH, pdf.HEIGHT
    c.raw(f"q {NAVY} RG 4 w 18 18 {w - 36} {h - 36} re S Q")
    c.raw(f"q {GOLD} RG 1.2 w 27 27 {w - 54} {h - 54} re S Q")
    for x, y in ((27, 27), (w - 27, 27), (27, h - 27), (w - 27, h - 27)):
        c.raw(f"q {GOLD} rg {x - 5} {y - 5} 10 10 re f Q")


def _qr(c: Canvas, x: float, y: float, size: float):
    # The symbol is an image mask of one pixel per module (see pdf.qr_object), drawn
    # without interpolation: as crisp as vector squares at a fraction of the bytes.
    c.raw(f"q 1 1 1 rg {x - 6} {y - 6} {size + 12} {size + 12} re f Q")
    c.raw(f"q 0 0 0 rg {size:.2f} 0 0 {size:.2f} {x:.2f} {y:.2f} cm /QR Do Q")


@dataclass(frozen=True)
class Signature:
    """Who signs, as printed: name, title and the image file (or None)."""

    name: str
    title: str
    image: str | None = None


def render(p: Printed, address: str, modules: tuple[int, bytes], issuer: str, logo: str,
           signature: Signature | None = None) -> bytes:
    """The PDF bytes of one document; ``address`` is the lower-case one printed under the QR."""
    c = Canvas()
    cx = pdf.WIDTH / 2
    _frame(c)
    lw, lh = pdf.logo_size(logo, Path(logo).stat().st_mtime)
    box = 62
    scale = box / max(lw, lh)
    c.raw(f"q {lw * scale:.2f} 0 0 {lh * scale:.2f} {cx - lw * scale / 2:.2f} 498 cm /Logo Do Q")
    org, _, unit = issuer.partition(" — ")
    c.centered(cx, 482, org.upper(), "bold", 12, NAVY)
    if unit:
        c.centered(cx, 467, unit, "regular", 11, GREY)
    c.raw(f"q {GOLD} RG 0.8 w {cx - 90} 458 m {cx + 90} 458 l S Q")
    c.centered(cx, 418, TITLES.get(p.kind, p.kind.upper()), "bold", 30, NAVY, 620)
    verb = "certifica que" if p.kind == "certificado" else "hace constar que"
    by = f"{org}, por medio de la {unit}," if unit else f"{org},"
    c.centered(cx, 388, f"{by} {verb}", "regular", 12, GREY)
    c.centered(cx, 350, p.holder_name, "bold", 26, NAVY, 660)
    doc_name = DOCUMENT_TYPES.get(p.document_type, p.document_type)
    c.centered(cx, 326, f"identificado(a) con {doc_name.lower()} n.º {p.document_number}",
               "regular", 12, INK)
    action = "cursó y aprobó el curso" if p.kind == "certificado" else "participó en el curso"
    c.centered(cx, 300, action, "regular", 12, GREY)
    y = c.wrapped(cx, 274, p.course_name, "bold", 18, NAVY, width=640, leading=1.2, max_lines=2)
    detail = (
        f"(código {p.course_code}), con una intensidad de {hours_number(p.hours)} horas, "
        f"finalizado el {long_date(p.completed_on)} en la sede {p.site_name}."
    )
    y = c.wrapped(cx, y - 2, detail, "regular", 11, INK, width=560, max_lines=2)
    if p.trainer_name:
        y = c.wrapped(cx, y - 2, f"Formador(a): {p.trainer_name}", "regular", 10, GREY, 560,
                      max_lines=1)
    issued = long_date(local_date(p.issued_at))
    c.centered(cx, y - 4, f"Expedido en San José de Cúcuta el {issued}.", "regular", 10, GREY)
    # Signature block, left: the image over the line, then name, title and organisation.
    if signature and signature.image:
        sw, sh = pdf.logo_size(signature.image)
        scale = min(200 / sw, 52 / sh)
        c.raw(f"q {sw * scale:.2f} 0 0 {sh * scale:.2f} {220 - sw * scale / 2:.2f} 113 cm "
              "/Sig Do Q")
    c.raw(f"q {INK} RG 0.7 w 110 112 m 330 112 l S Q")
    if signature:
        c.centered(220, 99, signature.name, "bold", 11, NAVY, 220)
        c.centered(220, 87, signature.title, "regular", 9, INK, 220)
        c.centered(220, 76, org, "regular", 8, GREY, 220)
    else:
        c.centered(220, 98, "Jefe Oficina TIC", "bold", 11, NAVY, 220)
        c.centered(220, 84, org, "regular", 9, GREY, 220)
    # QR and code, right.
    qr_size, qr_x, qr_y = 122.0, 666.0, 60.0
    _qr(c, qr_x, qr_y, qr_size)
    c.centered(490, 98, "Código de verificación", "regular", 9, GREY, 200)
    c.centered(490, 82, p.code, "bold", 13, NAVY, 220)
    c.centered(490, 66, "Escanee el código QR o consulte", "regular", 8, GREY, 220)
    c.centered(490, 56, address, "regular", 8, GREY, 220)
    c.centered(cx, 36, "Documento con firma digital ES256 verificable en línea y sin conexión.",
               "regular", 7, GREY)
    content = "\n".join(c.ops).encode("ascii")
    chars = fonts.charset_for(c.texts)
    title = f"{TITLES.get(p.kind, p.kind)} {p.code}"
    return pdf.build(content, chars, logo, title, p.issued_at, modules,
                     signature.image if signature else None)
