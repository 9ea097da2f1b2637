"""Offline verification of a QR text against a JWKS and a signed status list.

Two forms verify: the compact one of compact.py (every document issued now) and the
earlier ``{BASE_URL}/v/{CODE}#{JWS}`` (or a bare JWS), so paper already handed out
keeps verifying. This is the one place that decides whether a document is genuine;
the CLI and the tests call it, and the page's JavaScript mirrors it with WebCrypto.
"""

import json
import re
import time
from dataclasses import dataclass, field

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from lms.certificates import compact
from lms.certificates.codes import from_symbols, same_document, symbols_of
from lms.certificates.signing import ALGORITHMS, b64url_decode

REQUIRED_CLAIMS = (
    "iss", "jti", "iat", "name", "doc", "course", "course_name", "hours", "completed", "kind",
)
#: Exit statuses of ``lms verify``: genuine and not revoked (valid or superseded);
#: not genuine or revoked; genuine but revocation status unchecked (no status list,
#: or one that expired or failed to verify), which must never pass for "valid".
EXIT_OK, EXIT_REJECTED, EXIT_UNCHECKED = 0, 1, 3
_QR = re.compile(r"^(?P<base>\S+)/v/(?P<code>[^#/]+)#(?P<jws>[^#]+)$")


class VerificationError(Exception):
    """The input is not a genuine document (the message says why, in Spanish)."""


@dataclass
class Verdict:
    """What offline verification concluded."""

    genuine: bool
    status: str  # valid, revoked, superseded, unknown (no usable status list), invalid
    claims: dict = field(default_factory=dict)
    kid: str | None = None
    reason: str = ""
    status_checked_at: int | None = None
    status_expired: bool = False

    @property
    def exit_code(self) -> int:
        """The one rule behind ``lms verify``'s exit status (see EXIT_*)."""
        if not self.genuine or self.status == "revoked":
            return EXIT_REJECTED
        return EXIT_UNCHECKED if self.status == "unknown" else EXIT_OK


def verify_jws(token: str, jwks: dict) -> tuple[dict, str]:
    """Check an ES256 compact JWS against the JWKS; return (payload, kid) or raise."""
    try:
        parsed = jws.extract_compact(token.strip().encode("ascii"))
    except (AttributeError, UnicodeError, JoseError, ValueError) as exc:
        raise VerificationError("El texto no es un JWS compacto o está dañado.") from exc
    header = parsed.protected
    if header.get("alg") != "ES256":
        raise VerificationError("Algoritmo no permitido: solo se acepta ES256.")
    if header.get("crit") is not None:
        raise VerificationError("Cabecera con parámetros críticos desconocidos.")
    kid = header.get("kid")
    jwk = next((k for k in jwks.get("keys", []) if k.get("kid") == kid), None)
    if not isinstance(kid, str) or jwk is None:
        raise VerificationError(f"Clave desconocida (kid {kid!r}).")
    try:
        key = ECKey.import_key(jwk)
    except (JoseError, ValueError, TypeError) as exc:
        raise VerificationError("La clave publicada no es P-256.") from exc
    if key.curve_name != "P-256":
        raise VerificationError("La clave publicada no es P-256.")
    try:
        jws.deserialize_compact(token.strip(), key, algorithms=ALGORITHMS)
    except JoseError as exc:
        raise VerificationError("La firma no corresponde: el documento fue alterado.") from exc
    try:
        payload = json.loads(parsed.payload.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise VerificationError("El contenido firmado no es JSON.") from exc
    if not isinstance(payload, dict):
        raise VerificationError("El contenido firmado no es un objeto JSON.")
    return payload, kid


def split_qr(text: str) -> tuple[str | None, str]:
    """Return (code from the URL or None, JWS) from a QR text or a bare JWS."""
    text = (text or "").strip()
    match = _QR.match(text)
    if match:
        return match.group("code"), match.group("jws")
    return None, text


def _thumbprint_prefix(jwk: dict) -> bytes | None:
    try:
        return b64url_decode(ECKey.import_key(jwk).thumbprint())[: compact.KID_BYTES]
    except (JoseError, ValueError, TypeError, KeyError):
        return None


def verify_compact(text: str, jwks: dict, issuer: str | None = None) -> tuple[dict, str]:
    """Check a compact QR text; return (fields as claims, kid) or raise VerificationError.

    ``issuer`` is the ISSUER this installation signs as (default: the one the text's
    address names). Keys are picked by thumbprint prefix, each one tried on a collision.
    """
    try:
        parsed = compact.parse(text)
        values = parsed.values()
    except compact.FormatError as exc:
        raise VerificationError(str(exc)) from exc
    code = from_symbols(parsed.code)
    if code is None:
        raise VerificationError("El código de la dirección no es un código de documento.")
    expected = issuer or parsed.url_issuer
    keys = [k for k in jwks.get("keys", []) if _thumbprint_prefix(k) == parsed.kid]
    if not keys:
        raise VerificationError(f"Clave desconocida (huella {parsed.kid.hex()}).")
    publics = [(k.get("kid"), ECKey.import_key(k).public_key) for k in keys]
    kid = next((kid for kid, key in publics
                if compact.signature_holds(parsed, expected, key)), None)
    if kid is None:
        other = parsed.url_issuer
        if other != expected and any(compact.signature_holds(parsed, other, key)
                                     for _, key in publics):
            raise VerificationError(f"Firmado para otro emisor ({other}); se esperaba "
                                    f"{expected}.")
        raise VerificationError("La firma no corresponde: el documento fue alterado "
                                f"(emisor esperado: {expected}).")
    if values["kind"] not in compact.KINDS.values():
        raise VerificationError("Tipo de documento desconocido.")
    scheme = parsed.base.split(":", 1)[0].lower()
    claims = {
        "iss": f"{scheme}://{expected}",
        "jti": code,
        **values,
        "kind": "certificado" if values["kind"] == "c" else "constancia",
        "completed": _iso(values["completed"]),
        "issued": _iso(values["issued"]),
    }
    return claims, kid


def _iso(day: str) -> str:
    return f"{day[:4]}-{day[4:6]}-{day[6:]}" if len(day) == 8 and day.isdigit() else day


def verify_text(text: str, jwks: dict, status_list: str | None = None,
                issuer: str | None = None) -> Verdict:
    """Verify a QR text offline; never raises for bad input, the verdict says why."""
    try:
        if compact.looks_compact(text):
            claims, kid = verify_compact(text, jwks, issuer)
        else:
            claims, kid = _verify_jws_text(text, jwks)
    except VerificationError as exc:
        return Verdict(False, "invalid", reason=str(exc))
    verdict = Verdict(True, "unknown", claims=claims, kid=kid)
    if status_list:
        try:
            _apply_status(verdict, status_list, jwks)
        except VerificationError as exc:
            verdict.reason = f"Lista de estado no válida: {exc}"
    return verdict


def _verify_jws_text(text: str, jwks: dict) -> tuple[dict, str]:
    # The form of documents issued before the compact QR: {BASE_URL}/v/{CODE}#{JWS}.
    url_code, token = split_qr(text)
    claims, kid = verify_jws(token, jwks)
    missing = [c for c in REQUIRED_CLAIMS if c not in claims]
    if missing:
        raise VerificationError(f"Faltan datos firmados: {', '.join(missing)}.")
    if url_code is not None and not same_document(url_code, str(claims["jti"])):
        raise VerificationError("El código de la dirección no coincide con el firmado.")
    return claims, kid


def _apply_status(verdict: Verdict, status_list: str, jwks: dict) -> None:
    listing, _ = verify_jws(status_list, jwks)
    checked_at, expires = listing.get("iat"), listing.get("exp", 0)
    if not (isinstance(listing.get("revoked"), list) and isinstance(checked_at, int)
            and isinstance(expires, int | float)):
        raise VerificationError("La lista de estado no tiene el formato esperado.")
    verdict.status_checked_at = checked_at
    verdict.status_expired = time.time() > expires
    # Listed codes are compared by their 16 symbols: either check scheme names the document.
    mine = symbols_of(str(verdict.claims["jti"]))
    superseded = {symbols_of(str(k)): v for k, v in (listing.get("superseded") or {}).items()}
    if mine in {symbols_of(str(c)) for c in listing["revoked"]}:  # final, however old
        verdict.status = "revoked"
    elif verdict.status_expired:
        verdict.reason = "La lista de estado venció: el estado de revocación no está comprobado."
    elif mine in superseded:
        verdict.status = "superseded"
        verdict.reason = f"Reemplazado por {superseded[mine]}."
    else:
        verdict.status = "valid"
