"""The compact signed QR text (issue 11, section 1: an exact contract other tools read).

    QR      = UPPER(scheme "://" host) PATH "/V/" CODE16 "#" DIGITS
    DIGITS  = PAYLOAD as one big-endian unsigned integer, in decimal
    PAYLOAD = VF KID BODY SIG       VF 0x10 | 0x01 when BODY is raw DEFLATE (only if shorter)
    SIGNED  = "FTIC1" LF ISSUER LF CODE16 LF FIELDS
    FIELDS  = kind LF name LF doc LF course LF course_name LF hours LF completed LF issued

The upper-cased prefix and CODE16 fit QR's alphanumeric mode, DIGITS its numeric mode, so a
typical document is a version 13 symbol at EC Q and the longest one never passes version 17
(name, course and course name are capped in UTF-8 bytes). Building and reading the text
live here; ``verify.py`` decides what a reader concludes.
"""

import base64
import hashlib
import re
import unicodedata
import zlib
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

MAGIC = b"FTIC1"
VERSION, FLAG_DEFLATE = 0x10, 0x01
KID_BYTES, SIG_BYTES = 2, 64
#: Caps in UTF-8 bytes; a longer value is cut, then "…", then 16 characters of its hash.
CAPS = {"name": 100, "course": 30, "course_name": 84}
ELLIPSIS = "…"
HASH_CHARS = 16
FIELDS = ("kind", "name", "doc", "course", "course_name", "hours", "completed", "issued")
KINDS = {"certificado": "c", "constancia": "p"}
#: Far above the worst case (about 770 digits); refuses junk before any big-number work.
MAX_DIGITS = 1200
_TEXT = re.compile(r"^(?P<base>[A-Za-z][A-Za-z0-9+.-]*://.+)/V/(?P<code>[0-9A-Za-z]{16})"
                   r"#(?P<digits>[1-9][0-9]*)$")


class FormatError(ValueError):
    """The text is not a compact QR text (the message says why, in Spanish)."""


def issuer(base_url: str) -> str:
    """ISSUER: BASE_URL without its scheme, host lower-cased, no trailing slash."""
    parts = urlsplit(base_url.strip())
    return f"{parts.netloc.lower()}{parts.path}".rstrip("/")


def prefix(base_url: str) -> str:
    """What precedes CODE16: the upper-cased scheme and host, BASE_URL's path, then /V/."""
    parts = urlsplit(base_url.strip())
    return f"{parts.scheme.upper()}://{parts.netloc.upper()}{parts.path.rstrip('/')}/V/"


def code16(code: str) -> str:
    """The code's 16 symbols: no dashes, no check symbol."""
    return code.replace("-", "")[:16]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def capped(value: str, cap: int) -> str:
    """``value`` within ``cap`` UTF-8 bytes: as is, or its beginning, "…" and a hash prefix."""
    value = unicodedata.normalize("NFC", value).replace("\n", " ")
    raw = value.encode("utf-8")
    if len(raw) <= cap:
        return value
    digest = _b64url(hashlib.sha256(raw).digest())[:HASH_CHARS]
    room = cap - len(ELLIPSIS.encode()) - HASH_CHARS
    return raw[:room].decode("utf-8", "ignore") + ELLIPSIS + digest


def hours_text(hours) -> str:
    """Hours as carried: "40", "12.5"."""
    return format(Decimal(hours).normalize(), "f")


def field_values(record: dict, issued_on: date) -> list[str]:
    """FIELDS of a frozen record (Certificate columns), in contract order."""
    number = record["document_number"] or ""
    return [
        KINDS.get(record["kind"], "p"),
        capped(record["holder_name"], CAPS["name"]),
        f"{record['document_type']}{number[-4:]}",
        capped(record["course_code"], CAPS["course"]),
        capped(record["course_name"], CAPS["course_name"]),
        hours_text(record["hours"]),
        record["completed_on"].strftime("%Y%m%d"),
        issued_on.strftime("%Y%m%d"),
    ]


def encode_fields(values: list[str]) -> bytes:
    """FIELDS as bytes: NFC, UTF-8, joined by LF."""
    return unicodedata.normalize("NFC", "\n".join(values)).encode("utf-8")


def signed_bytes(issuer_text: str, code: str, fields: bytes) -> bytes:
    """SIGNED = "FTIC1" LF ISSUER LF CODE16 LF FIELDS."""
    return b"\n".join((MAGIC, issuer_text.encode("utf-8"), code.encode("ascii"), fields))


def build(base_url: str, code: str, values: list[str], key: ec.EllipticCurvePrivateKey,
          kid: bytes) -> str:
    """Sign FIELDS for ``code`` and return the whole QR text."""
    short = code16(code)
    fields = encode_fields(values)
    der = key.sign(signed_bytes(issuer(base_url), short, fields), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = packer.compress(fields) + packer.flush()
    flags, body = (FLAG_DEFLATE, deflated) if len(deflated) < len(fields) else (0, fields)
    payload = bytes([VERSION | flags]) + kid + body + r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return f"{prefix(base_url)}{short}#{int.from_bytes(payload, 'big')}"


@dataclass
class Parsed:
    """A compact QR text taken apart, nothing checked but its form."""

    base: str  # scheme, host and path as carried (upper-cased scheme and host)
    code: str  # CODE16 as carried
    kid: bytes
    fields: bytes
    signature: bytes

    @property
    def url_issuer(self) -> str:
        """The ISSUER that the text's own address names."""
        return issuer(self.base)

    def values(self) -> dict:
        """The carried fields by name; raises FormatError when they are not eight."""
        try:
            parts = self.fields.decode("utf-8").split("\n")
        except UnicodeDecodeError as exc:
            raise FormatError("Los datos del código no son texto UTF-8.") from exc
        if len(parts) != len(FIELDS):
            raise FormatError("El código no trae los ocho datos del documento.")
        return dict(zip(FIELDS, parts, strict=True))


def looks_compact(text: str) -> bool:
    """Whether ``text`` has the compact form (rather than the earlier JWS one)."""
    return bool(_TEXT.match((text or "").strip()))


def parse(text: str) -> Parsed:
    """Take a QR text apart (no signature check); raises FormatError."""
    match = _TEXT.match((text or "").strip())
    if not match:
        raise FormatError("El texto no tiene la forma …/V/CÓDIGO#DÍGITOS.")
    digits = match.group("digits")
    if len(digits) > MAX_DIGITS:
        raise FormatError("El código es demasiado largo.")
    number = int(digits)
    payload = number.to_bytes((number.bit_length() + 7) // 8, "big")
    if len(payload) < 1 + KID_BYTES + SIG_BYTES or payload[0] & 0xF0 != VERSION \
            or payload[0] & 0x0F & ~FLAG_DEFLATE:
        raise FormatError("Versión de formato desconocida o datos incompletos.")
    body = payload[1 + KID_BYTES : -SIG_BYTES]
    if payload[0] & FLAG_DEFLATE:
        body = _inflate(body)
    return Parsed(match.group("base"), match.group("code"), payload[1 : 1 + KID_BYTES], body,
                  payload[-SIG_BYTES:])


def _inflate(body: bytes) -> bytes:
    unpacker = zlib.decompressobj(-15)
    try:
        fields = unpacker.decompress(body, 4096)
    except zlib.error as exc:
        raise FormatError("Los datos comprimidos están dañados.") from exc
    if not unpacker.eof or unpacker.unconsumed_tail or unpacker.unused_data:
        raise FormatError("Los datos comprimidos están dañados.")
    return fields


def signature_holds(parsed: Parsed, issuer_text: str, key: ec.EllipticCurvePublicKey) -> bool:
    """Whether ``key`` signed this text's fields for ``issuer_text`` (cryptography's ECDSA)."""
    r = int.from_bytes(parsed.signature[:32], "big")
    s = int.from_bytes(parsed.signature[32:], "big")
    try:
        key.verify(encode_dss_signature(r, s),
                   signed_bytes(issuer_text, parsed.code, parsed.fields),
                   ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True

