"""ES256 keys and compact JWS signing, on joserfc.

Private keys are PEM files in ``SIGNING_KEY_DIR`` (default ``instance/keys``), one
per ``kid``; the file ``current`` names the key that signs. The first signing on a
fresh installation generates a key, so nothing has to be set up, and the keys
never enter the repository; reading them to verify or publish never creates one.
Rotation adds a key and moves ``current``; the old public keys stay in the JWKS so
documents signed with them keep verifying.
"""

import base64
import json
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from flask import current_app
from joserfc import jws
from joserfc.jwk import ECKey

#: Characters of the RFC 7638 thumbprint kept as ``kid``: short because every byte
#: of the header goes into the QR, yet 48 bits never collide among a handful of keys.
KID_LENGTH = 8
ALGORITHMS = ["ES256"]
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


def timestamp(iso_utc: str) -> int:
    """Seconds since the epoch of an ISO time ending in Z (a JWT's nbf, exp)."""
    return int(datetime.fromisoformat(iso_utc.replace("Z", "+00:00")).timestamp())


def compact_json(obj: dict) -> bytes:
    """Compact JSON keeping accents as UTF-8: every byte saved shrinks what is signed."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass
class KeyRing:
    """Every key in the directory, and which one signs now."""

    keys: dict[str, ECKey]
    current: str
    _published: dict | None = field(default=None, repr=False, compare=False)

    def jwks(self) -> dict:
        """The public keys, current first, as a JWK Set (built once per ring: a ring is
        cached until the key directory changes)."""
        if self._published is None:
            self._published = self._build_jwks()
        return self._published

    def _build_jwks(self) -> dict:
        order = [self.current] + sorted(k for k in self.keys if k != self.current)
        return {
            "keys": [
                {**self.keys[k].as_dict(private=False), "kid": k, "alg": "ES256", "use": "sig"}
                for k in order
            ]
        }

    def thumbprint_prefix(self, kid: str) -> bytes:
        """KID of the compact QR: the first 2 bytes of the key's RFC 7638 SHA-256 thumbprint."""
        return b64url_decode(self.keys[kid].thumbprint())[:2]

    def sign_jwt(self, credential: dict, claims: dict) -> str:
        """A credential secured as a JWT (ES256): its JSON plus the registered ``claims``."""
        return jws.serialize_compact(
            {"alg": "ES256", "kid": self.current, "typ": "JWT"},
            compact_json({**credential, **claims}), self.keys[self.current],
            algorithms=ALGORITHMS,
        )

    def sign(self, payload: dict) -> str:
        """Compact JWS (ES256) of ``payload`` with protected header {alg, kid}."""
        return jws.serialize_compact(
            {"alg": "ES256", "kid": self.current}, compact_json(payload),
            self.keys[self.current], algorithms=ALGORITHMS,
        )


def _key_dir() -> Path:
    return Path(current_app.config["SIGNING_KEY_DIR"])


def _write_new_key(directory: Path) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    key = ECKey.generate_key("P-256")
    kid = key.thumbprint()[:KID_LENGTH]  # RFC 7638, SHA-256
    pem = key.as_pem(private=True)
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
        key = ECKey.import_key(path.read_bytes())
        if key.is_private and key.curve_name == "P-256":
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
