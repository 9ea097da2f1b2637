"""A per-process micro-cache of public verification records.

A QR scanned at a fair or a ceremony is looked up many times in a few seconds;
serving the record from memory for ``CERT_VERIFY_CACHE_SECONDS`` (default 10)
keeps verification close to the speed of a bare endpoint. Changes made in this
process (revoke, correct, anonymise) drop the entry at once; other worker
processes see them within the TTL, far inside the offline status list's 24 h.
"""

import time

from flask import current_app

_MAX_ENTRIES = 20_000
_entries: dict[str, tuple[float, object]] = {}


def get(code: str):
    """The cached value for a canonical code, or None when missing or expired."""
    hit = _entries.get(code)
    if hit is None or hit[0] < time.monotonic():
        return None
    return hit[1]


def put(code: str, value) -> None:
    """Remember a value for the configured TTL (no-op when the TTL is 0)."""
    ttl = current_app.config.get("CERT_VERIFY_CACHE_SECONDS", 10)
    if ttl <= 0:
        return
    if len(_entries) >= _MAX_ENTRIES:
        _entries.clear()  # crude but bounded; a burst refills it from the database
    _entries[code] = (time.monotonic() + ttl, value)


def forget(*codes: str) -> None:
    """Drop entries whose record just changed."""
    for code in codes:
        _entries.pop(code, None)
