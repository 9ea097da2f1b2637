"""A per-process micro-cache of public verification records.

A QR scanned at a fair or a ceremony is looked up many times in a few seconds;
serving the record from memory for ``CERT_VERIFY_CACHE_SECONDS`` (default 10)
keeps verification close to the speed of a bare endpoint. Changes made in this
process (revoke, correct, anonymise) drop the entry at once; other worker
processes see them within the TTL, far inside the offline status list's 24 h.
"""

import threading
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


_hits: dict[tuple[str, str, int], int] = {}
_hits_lock = threading.Lock()


def allow(scope: str, client: str, items) -> bool:
    """Fixed-window per-client counter for ``items`` (``limits`` rate items).

    Used by the JSON verification endpoint instead of Flask-Limiter's memory storage,
    which starts a timer thread every 10 ms under load and halves the throughput of
    an endpoint that is otherwise a dictionary lookup. Per process, like memory://.
    """
    now = time.time()
    allowed = True
    with _hits_lock:
        if len(_hits) > _MAX_ENTRIES:
            _hits.clear()
        for item in items:
            key = (scope, f"{client}/{item}", int(now // item.get_expiry()))
            count = _hits.get(key, 0) + 1
            _hits[key] = count
            allowed = allowed and count <= item.amount
    return allowed
