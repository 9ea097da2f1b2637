"""Public document codes: 80 random bits in Crockford base32, grouped, with a check symbol.

The code is never sequential and never derived from personal data, so it leaks nothing
and cannot be guessed. A document is identified by its 16 data symbols (a QR's CODE16);
the final check symbol only catches typing mistakes before any database lookup.

Two check schemes, both accepted wherever a code is read (docs/certificate-codes.md):

- **GF(32)** (codes issued now): the symbol whose value c makes
  ``c XOR sum(alpha**(i+1) * d_i)`` zero in GF(32) (polynomial x^5 + x^2 + 1, alpha = 2),
  written with the same 32 letters and digits. Every weight is distinct and non-zero, so any
  single wrong symbol and any swap of two different symbols (the check included) is caught.
- **Crockford mod 37** (codes issued before): the value mod 37, whose symbols 32-36 are
  ``* ~ $ = U``, hard to read aloud. Never issued again; still accepted.
"""

import re
import secrets

from lms.formatting import N_

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: Crockford's check symbols (old codes): the alphabet plus five extra for values 32-36.
OLD_CHECK_SYMBOLS = ALPHABET + "*~$=U"
RANDOM_BITS = 80
LENGTH = RANDOM_BITS // 5  # 16 symbols
# People misread these; Crockford maps them onto the digits they look like.
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.]+")
#: Mistyped codes are refused with this (Spanish) reason.
MISTYPED = N_(
    "El código «%(code)s» no es válido: el carácter final de control no corresponde a los "
    "demás. Revise que lo haya copiado completo y sin errores (cuatro grupos de cuatro "
    "caracteres y uno final)."
)

# GF(32) with x^5 + x^2 + 1: exp/log tables of alpha = 2.
_EXP = [0] * 62
_LOG = [0] * 32
_value = 1
for _i in range(31):
    _EXP[_i] = _EXP[_i + 31] = _value
    _LOG[_value] = _i
    _value <<= 1
    if _value & 32:
        _value ^= 0b100101


def _gf_check(symbols: str) -> str:
    total = 0
    for i, ch in enumerate(symbols):
        digit = ALPHABET.index(ch)
        if digit:
            total ^= _EXP[_LOG[digit] + i + 1]
    return ALPHABET[total]


def _old_check(symbols: str) -> str:
    value = 0
    for ch in symbols:
        value = value * 32 + ALPHABET.index(ch)
    return OLD_CHECK_SYMBOLS[value % 37]


def _format(symbols: str, check: str) -> str:
    groups = [symbols[i : i + 4] for i in range(0, len(symbols), 4)]
    return "-".join(groups) + "-" + check


def new_code() -> str:
    """Return a fresh code such as ``7K3M-Q9ZD-1HXA-C4RT-5``: its check is a letter or digit."""
    value = secrets.randbits(RANDOM_BITS)
    symbols = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(LENGTH)))
    return _format(symbols, _gf_check(symbols))


def _clean(text: str) -> str:
    return _SEPARATORS.sub("", (text or "").strip().upper())


def normalize(text: str) -> str | None:
    """The canonical code for what a person typed (either check scheme), or None.

    Case, spaces and dashes do not matter; O is read as 0 and I/L as 1. The check symbol
    typed is kept: an old code stays spelled as it was issued.
    """
    raw = _clean(text)
    if len(raw) != LENGTH + 1:
        return None
    symbols, check = raw[:LENGTH].translate(_ALIASES), raw[LENGTH]
    if check in "OIL":
        check = check.translate(_ALIASES)
    if any(ch not in ALPHABET for ch in symbols):
        return None
    if check not in (_gf_check(symbols), _old_check(symbols)):
        return None
    return _format(symbols, check)


def symbols_of(text: str) -> str | None:
    """The 16 data symbols of a typed code (either scheme) or of a QR's CODE16, or None."""
    code = normalize(text)
    if code is not None:
        return code.replace("-", "")[:LENGTH]
    raw = _clean(text).translate(_ALIASES)
    if len(raw) == LENGTH and all(ch in ALPHABET for ch in raw):
        return raw
    return None


def spellings(symbols: str) -> tuple[str, ...]:
    """Every stored form a document with these 16 symbols may have (either scheme)."""
    current, old = _format(symbols, _gf_check(symbols)), _format(symbols, _old_check(symbols))
    return (current,) if current == old else (current, old)


def forms(text: str) -> tuple[str, ...]:
    """The stored forms to look up for a typed code or a QR's CODE16 (empty if neither)."""
    symbols = symbols_of(text)
    return spellings(symbols) if symbols else ()


def from_symbols(text: str) -> str | None:
    """The code in the current scheme for its 16 symbols (a QR's CODE16), any case."""
    raw = (text or "").strip().upper()
    if len(raw) != LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return _format(raw, _gf_check(raw))


def same_document(a: str, b: str) -> bool:
    """Whether two codes (either scheme, or CODE16) name the same document."""
    first, second = symbols_of(a), symbols_of(b)
    return first is not None and first == second


def looks_mistyped(text: str) -> bool:
    """Whether text has a code's shape (16 symbols and a check) but its check is wrong."""
    raw = _clean(text)
    return len(raw) == LENGTH + 1 and normalize(text) is None
