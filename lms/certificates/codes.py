"""Public document codes: 80 random bits in Crockford base32, grouped, with a check symbol.

The code is never sequential and never derived from personal data, so it leaks
nothing and cannot be guessed; the mod-37 check symbol catches typing mistakes
before any database lookup.
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: Crockford's check symbols: the alphabet plus five extra for values 32-36.
CHECK_SYMBOLS = ALPHABET + "*~$=U"
RANDOM_BITS = 80
_LENGTH = RANDOM_BITS // 5  # 16 symbols
# People misread these; Crockford maps them onto the digits they look like.
_ALIASES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.]+")


def _check_symbol(symbols: str) -> str:
    value = 0
    for ch in symbols:
        value = value * 32 + ALPHABET.index(ch)
    return CHECK_SYMBOLS[value % 37]


def _format(symbols: str, check: str) -> str:
    groups = [symbols[i : i + 4] for i in range(0, len(symbols), 4)]
    return "-".join(groups) + "-" + check


def new_code() -> str:
    """Return a fresh code such as ``7K3M-Q9ZD-1HXA-C4RT-*``."""
    value = secrets.randbits(RANDOM_BITS)
    symbols = "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(_LENGTH)))
    return _format(symbols, _check_symbol(symbols))


def normalize(text: str) -> str | None:
    """Return the canonical code for what a person typed, or None if it cannot be one.

    Case, spaces and dashes do not matter; O is read as 0 and I/L as 1.
    """
    raw = _SEPARATORS.sub("", (text or "").strip().upper())
    if len(raw) != _LENGTH + 1:
        return None
    symbols, check = raw[:_LENGTH].translate(_ALIASES), raw[_LENGTH]
    if check in "OIL":
        check = check.translate(_ALIASES)
    if any(ch not in ALPHABET for ch in symbols) or check not in CHECK_SYMBOLS:
        return None
    if _check_symbol(symbols) != check:
        return None
    return _format(symbols, check)


def from_symbols(text: str) -> str | None:
    """The canonical code for its 16 symbols without dashes or check (a QR's CODE16), any case."""
    raw = (text or "").strip().upper()
    if len(raw) != _LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return _format(raw, _check_symbol(raw))
