"""Embedded fonts for the PDF: subset once per process, reused for every document.

Subsetting a TrueType font costs tens of milliseconds, far over the per-document
budget, so the base subset (Latin-1, Latin Extended-A and typographic punctuation:
every Spanish and nearly every Latin-script name) is built once and its PDF objects
reused. A name with a rarer letter gets a subset of its own, cached by the extra
characters. Glyph ids are kept (``retain_gids``) so text is written as glyph ids
(Identity-H) that mean the same in every subset.
"""

import io
import zlib
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "fonts"
FACES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}
BASE_CHARS = frozenset(
    [chr(c) for c in range(0x20, 0x7F)]
    + [chr(c) for c in range(0xA0, 0x180)]
    + list("—–‘’“”…•€")
)


@dataclass(frozen=True)
class Metrics:
    """Character to glyph id and advance widths (per 1000 units of the font size)."""

    name: str
    cmap: dict[int, int]
    widths: dict[int, int]
    ascent: int
    descent: int
    cap_height: int
    bbox: tuple[int, int, int, int]

    #: Advance width per character (filled lazily; layout asks for the same few).
    char_widths: dict[str, int] = field(default_factory=dict, compare=False)
    #: Hex glyph id per character, for ``Tj`` strings.
    char_hex: dict[str, str] = field(default_factory=dict, compare=False)

    def glyph(self, ch: str) -> int:
        """Glyph id for a character; 0 (.notdef) when the font lacks it."""
        return self.cmap.get(ord(ch), 0)

    def width(self, text: str, size: float) -> float:
        """Width of ``text`` in points at ``size``."""
        table = self.char_widths
        total = 0
        for ch in text:
            w = table.get(ch)
            if w is None:
                w = table[ch] = self.widths.get(self.glyph(ch), 600)
            total += w
        return total * size / 1000

    def encode(self, text: str) -> str:
        """Hex string of two-byte glyph ids for a ``Tj`` operator."""
        table = self.char_hex
        out = []
        for ch in text:
            h = table.get(ch)
            if h is None:
                h = table[ch] = f"{self.glyph(ch):04X}"
            out.append(h)
        return "".join(out)


@cache
def metrics(face: str) -> Metrics:
    """Read the metrics of one face (once per process)."""
    with TTFont(FONT_DIR / FACES[face], lazy=True) as font:
        scale = 1000 / font["head"].unitsPerEm
        order = font.getGlyphOrder()
        by_name = {name: gid for gid, name in enumerate(order)}
        cmap = {cp: by_name[name] for cp, name in font.getBestCmap().items()}
        widths = {by_name[n]: round(m[0] * scale) for n, m in font["hmtx"].metrics.items()}
        head, os2 = font["head"], font["OS/2"]
        return Metrics(
            name=font["name"].getDebugName(6) or FACES[face].removesuffix(".ttf"),
            cmap=cmap,
            widths=widths,
            ascent=round(font["hhea"].ascent * scale),
            descent=round(font["hhea"].descent * scale),
            cap_height=round(getattr(os2, "sCapHeight", 700) * scale) or 700,
            bbox=tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)),
        )


@lru_cache(maxsize=64)
def font_program(face: str, chars: frozenset[str]) -> bytes:
    """The compressed TrueType subset holding ``chars`` (glyph ids unchanged)."""
    options = subset.Options()
    options.retain_gids = True
    options.hinting = False
    options.layout_features = []
    options.notdef_outline = True
    options.drop_tables += ["FFTM", "GSUB", "GPOS", "GDEF", "kern"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(chars)))
    buffer = io.BytesIO()
    with TTFont(FONT_DIR / FACES[face]) as font:
        subsetter.subset(font)
        font.save(buffer)
    return zlib.compress(buffer.getvalue(), 9)


def charset_for(texts) -> frozenset[str]:
    """The base set, plus whatever rarer characters these texts use."""
    extra = {ch for text in texts for ch in text} - BASE_CHARS
    return BASE_CHARS | extra if extra else BASE_CHARS


def to_unicode(face: str, chars: frozenset[str]) -> bytes:
    """A ToUnicode CMap so text copied from the PDF comes out as the right letters."""
    m = metrics(face)
    pairs = sorted({m.glyph(ch): ch for ch in chars if m.glyph(ch)}.items())
    lines = [
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
        "1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    for start in range(0, len(pairs), 100):
        chunk = pairs[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{gid:04X}> <{ch.encode('utf-16-be').hex().upper()}>" for gid, ch in chunk]
        lines.append("endbfchar")
    lines.append("endcmap CMapName currentdict /CMap defineresource pop end end")
    return zlib.compress("\n".join(lines).encode("ascii"), 9)


def widths_array(face: str, chars: frozenset[str]) -> str:
    """The CIDFont /W array for the glyphs of ``chars``."""
    m = metrics(face)
    gids = sorted({m.glyph(ch) for ch in chars} | {0})
    return "[" + " ".join(f"{g} [{m.widths.get(g, 600)}]" for g in gids) + "]"
