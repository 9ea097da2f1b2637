"""Platforms' public key sets: fetched over HTTP, cached with a TTL, refetched on a new kid.

The cache is per process on purpose: it holds public data only, so workers may differ for
a few minutes without harm. A kid the cached set lacks triggers one refetch (the platform
rotated), at most every ``REFETCH_GAP`` seconds, so forged kids cannot flood the platform.
"""

import json
import threading
import time
import urllib.request

from joserfc.jwk import KeySet

#: Seconds a fetched key set is trusted.
TTL = 3600
#: Minimum seconds between two refetches of one URL caused by an unknown kid.
REFETCH_GAP = 30
TIMEOUT = 10

_cache: dict[str, tuple[float, KeySet]] = {}
_lock = threading.Lock()


class KeyFetchError(Exception):
    """The platform's key set could not be fetched or read."""


def fetch_json(url: str, *, data: bytes | None = None, headers: dict | None = None,
               method: str | None = None) -> tuple[int, dict, dict]:
    """GET (or send ``data`` to) ``url``; the status, the JSON body and the headers."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)  # noqa: S310 - registered https URLs
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            body = response.read()
            status, head = response.status, dict(response.headers)
    except urllib.error.HTTPError as exc:
        body, status, head = exc.read(), exc.code, dict(exc.headers)
    try:
        parsed = json.loads(body) if body else {}
    except ValueError:
        parsed = {}
    return status, parsed, head


def _fetch(url: str) -> KeySet:
    try:
        status, body, _ = fetch_json(url)
        if status != 200:
            raise KeyFetchError(f"HTTP {status}")
        return KeySet.import_key_set(body)
    except KeyFetchError:
        raise
    except Exception as exc:  # network, JSON or key errors: the launch is refused
        raise KeyFetchError(type(exc).__name__) from exc


def key_set(url: str, kid: str | None) -> KeySet:
    """The key set at ``url``, from the cache unless stale or lacking ``kid``."""
    now = time.monotonic()
    with _lock:
        cached = _cache.get(url)
    if cached:
        fetched_at, keys = cached
        fresh = now - fetched_at < TTL
        known = kid is None or any(k.kid == kid for k in keys.keys)
        if fresh and (known or now - fetched_at < REFETCH_GAP):
            return keys
    keys = _fetch(url)
    with _lock:
        _cache[url] = (now, keys)
    return keys


def forget() -> None:
    """Empty the cache (tests, and after editing a platform)."""
    with _lock:
        _cache.clear()
