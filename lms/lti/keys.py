"""The tool's own RSA keys (LTI_KEY_DIR), apart from the certificate keys, and rotatable.

Each key is a private JWK file named ``<created>-<kid>.json``; the newest signs (client
assertions, deep-linking responses), and the JWKS publishes the newest ``PUBLISHED`` so
that platforms holding a cached key set keep verifying during a rotation.
"""

import json
import os
import time
from pathlib import Path

from flask import current_app
from joserfc.jwk import KeySet, RSAKey

#: Keys published at /lti/jwks: the signing one and the one before it.
PUBLISHED = 2
ALG = "RS256"


def _dir() -> Path:
    path = Path(current_app.config["LTI_KEY_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def _files() -> list[Path]:
    return sorted(_dir().glob("*.json"), reverse=True)


def rotate() -> str:
    """Create a new signing key; the previous one stays published. Returns the new kid."""
    key = RSAKey.generate_key(2048, parameters={"alg": ALG, "use": "sig"}, private=True)
    kid = key.thumbprint()
    path = _dir() / f"{int(time.time() * 1000):015d}-{kid}.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(key.as_dict(private=True, kid=kid), out)
    return kid


def _load(path: Path) -> RSAKey:
    return RSAKey.import_key(json.loads(path.read_text()))


def signing_key() -> RSAKey:
    """The newest key (one is created on first use)."""
    files = _files()
    if not files:
        rotate()
        files = _files()
    return _load(files[0])


def public_jwks() -> dict:
    """The published public keys as a JWKS document."""
    signing_key()
    keys = [_load(p) for p in _files()[:PUBLISHED]]
    return KeySet(keys).as_dict(private=False)
