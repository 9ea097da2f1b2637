"""ES256 keys and compact JWS signing.

Private keys are PEM files in ``SIGNING_KEY_DIR`` (default ``instance/keys``), one
per ``kid``; the file ``current`` names the key that signs. The first signing on a
fresh installation generates a key, so nothing has to be set up, and the keys
never enter the repository; reading them to verify or publish never creates one.
Rotation adds a key and moves ``current``; the old public keys stay in the JWKS so
documents signed with them keep verifying.
"""

import base64
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from flask import current_app

#: Characters of the RFC 7638 thumbprint kept as ``kid``: short because every byte
#: of the header goes into the QR, yet 48 bits never collide among a handful of keys.
KID_LENGTH = 8
_lock = threading.Lock()
_cache: dict[tuple[str, float], "KeyRing"] = {}


def b64url(data: bytes) -> str:
    """Base64url without padding, as JOSE uses it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding; raises ValueError on junk."""
    if not isinstance(text, str) or not text.isascii():
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except Exception as exc:  # binascii.Error
        raise ValueError("not base64url") from exc


def public_jwk(public_key: ec.EllipticCurvePublicKey) -> dict:
    """The public key as a JWK (kty, crv, x, y) without kid."""
    numbers = public_key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": b64url(numbers.x.to_bytes(32, "big")),
        "y": b64url(numbers.y.to_bytes(32, "big")),
    }


def thumbprint(jwk: dict) -> str:
    """RFC 7638 SHA-256 thumbprint of an EC JWK."""
    canonical = json.dumps(
        {k: jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"), sort_keys=True
    )
    return b64url(hashlib.sha256(canonical.encode()).digest())


@dataclass
class KeyRing:
    """Every key in the directory, and which one signs now."""

    keys: dict[str, ec.EllipticCurvePrivateKey]
    current: str

    def jwks(self) -> dict:
        """The public keys, current first, as a JWK Set."""
        order = [self.current] + sorted(k for k in self.keys if k != self.current)
        return {
            "keys": [
                {**public_jwk(self.keys[k].public_key()), "kid": k, "alg": "ES256", "use": "sig"}
                for k in order
            ]
        }

    def sign(self, payload: dict) -> str:
        """Compact JWS (ES256) of ``payload`` with protected header {alg, kid}."""
        header = {"alg": "ES256", "kid": self.current}
        signing_input = f"{_segment(header)}.{_segment(payload)}"
        der = self.keys[self.current].sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        # JWS wants the raw 64-byte r||s, not the DER structure cryptography returns.
        return f"{signing_input}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def _segment(obj: dict) -> str:
    # Compact JSON keeping accents as UTF-8: every byte saved shrinks the QR.
    return b64url(json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode())


def _key_dir() -> Path:
    return Path(current_app.config["SIGNING_KEY_DIR"])


def _write_new_key(directory: Path) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    key = ec.generate_private_key(ec.SECP256R1())
    kid = thumbprint(public_jwk(key.public_key()))[:KID_LENGTH]
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(directory / f"{kid}.pem", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    tmp = directory / f".current.{os.getpid()}"
    tmp.write_text(kid)
    os.replace(tmp, directory / "current")
    return kid


def _load(directory: Path) -> KeyRing:
    keys = {}
    for path in sorted(directory.glob("*.pem")):
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if isinstance(key, ec.EllipticCurvePrivateKey):
            keys[path.stem] = key
    current = (directory / "current").read_text().strip()
    if current not in keys:
        raise RuntimeError(f"La clave de firma actual {current!r} no está en {directory}.")
    return KeyRing(keys, current)


def keyring(create: bool = True) -> KeyRing | None:
    """The keys of this installation; generates the first one when ``create`` and none exist."""
    directory = _key_dir()
    marker = directory / "current"
    with _lock:
        if not marker.exists():
            if not create:
                return None
            _write_new_key(directory)
        stamp = (str(directory), marker.stat().st_mtime)
        ring = _cache.get(stamp)
        if ring is None:
            ring = _load(directory)
            _cache.clear()
            _cache[stamp] = ring
        return ring


def rotate() -> str:
    """Create a new signing key and make it current; old keys stay published."""
    with _lock:
        kid = _write_new_key(_key_dir())
        _cache.clear()
    return kid


def jwks() -> dict:
    """The published JWK Set; empty before the first signing (verifying never creates keys)."""
    ring = keyring(create=False)
    return ring.jwks() if ring else {"keys": []}
