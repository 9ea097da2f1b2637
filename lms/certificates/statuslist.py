"""The W3C Bitstring Status List behind every Open Badges credential's ``credentialStatus``.

One revocation list of ``SIZE`` bits; each document owns a random bit (``status_index``),
so the list reveals neither how many documents exist nor their order. A bit is 1 when
the document is no longer valid (revoked or superseded: ``not Certificate.is_valid``),
so revoking or correcting a document flips it. The list is served as a signed
``BitstringStatusListCredential`` (a JWT with the certificate keys).
"""

import base64
import gzip
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from lms.certificates import signing
from lms.certificates.models import Certificate
from lms.extensions import db
from lms.timeutil import utcnow

#: Entries in the list: the specification's minimum (16 KiB), which hides group sizes.
SIZE = 131_072
#: Seconds a fetched list may be trusted (validUntil).
TTL = 24 * 3600
PURPOSE = "revocation"


def list_url() -> str:
    """Where the signed list is published."""
    return f"{current_app.config['BASE_URL']}/.well-known/status-list/credential.jwt"


def pick_indexes(count: int) -> list[int]:
    """``count`` random unused indexes (the unique constraint guards against a race)."""
    chosen: set[int] = set()
    for _ in range(64):  # each round keeps candidates nobody holds yet
        need = count - len(chosen)
        if need == 0:
            return list(chosen)
        # Twice as many candidates as needed, and a few more: one round (one SELECT) is
        # enough unless the list is over half full, whatever the batch's size.
        drawn = [i for i in dict.fromkeys(secrets.randbelow(SIZE) for _ in range(2 * need + 8))
                 if i not in chosen]  # in the order drawn: the first free ones are as random
        taken = set(db.session.scalars(
            select(Certificate.status_index).where(Certificate.status_index.in_(drawn))
        ))
        chosen.update([i for i in drawn if i not in taken][:need])
    raise RuntimeError("The status list is nearly full: raise statuslist.SIZE.")


def bitstring() -> bytes:
    """The list's bits, index 0 the first (most significant) bit of the first byte."""
    bits = bytearray(SIZE // 8)
    for index in db.session.scalars(
        select(Certificate.status_index).where(~Certificate.is_valid)
    ):
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def encode(bits: bytes) -> str:
    """encodedList: multibase base64url (prefix "u") of the GZIP-compressed bits."""
    packed = gzip.compress(bits, compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def bit(encoded_list: str, index: int) -> int:
    """The bit at ``index`` of an encodedList (what a verifier reads)."""
    if not encoded_list.startswith("u"):
        raise ValueError("encodedList is not multibase base64url")
    text = encoded_list[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    return (bits[index // 8] >> (7 - index % 8)) & 1


def entry(cert: Certificate) -> dict:
    """The ``credentialStatus`` of one document's credential."""
    return {
        "id": f"{list_url()}#{cert.status_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": PURPOSE,
        "statusListIndex": str(cert.status_index),
        "statusListCredential": list_url(),
    }


def credential(issuer: dict) -> dict:
    """The BitstringStatusListCredential as JSON, valid for TTL seconds from now."""
    now = utcnow().replace(microsecond=0)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url(),
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer["id"],
        "validFrom": now.isoformat() + "Z",
        "validUntil": (now + timedelta(seconds=TTL)).isoformat() + "Z",
        "credentialSubject": {
            "id": f"{list_url()}#list",
            "type": "BitstringStatusList",
            "statusPurpose": PURPOSE,
            "encodedList": encode(bitstring()),
        },
    }


def signed(issuer: dict) -> str:
    """The status list credential as a JWT (ES256, the certificate keys)."""
    body = credential(issuer)
    return signing.keyring().sign_jwt(body, {
        "iss": issuer["id"], "jti": body["id"],
        "nbf": signing.timestamp(body["validFrom"]), "exp": signing.timestamp(body["validUntil"]),
    })
