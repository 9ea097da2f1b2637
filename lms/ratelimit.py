"""Per-client limits on the public pages in one storage round trip.

Flask-Limiter's decorator resolves, filters and evaluates its limits twice per request
(its before-request hook and the decorator), which on a verification lookup cost more than
the lookup itself (bench/load.py). ``per_client`` keeps Flask-Limiter's storage, strategy,
switches (RATELIMIT_ENABLED, RATELIMIT_STORAGE_URI, RATELIMIT_KEY_PREFIX) and client
address, and asks the storage once: a fixed-window INCR, one EVALSHA on Redis.
"""

from collections.abc import Callable
from functools import lru_cache, wraps

from flask import current_app, request
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many
from werkzeug.exceptions import TooManyRequests

from lms.extensions import limiter


class LimitReached(TooManyRequests):
    """A client went over a per-client limit; ``window`` (seconds) bounds the wait."""

    def __init__(self, item: RateLimitItem):
        super().__init__()
        self.window = item.get_expiry()


@lru_cache(maxsize=64)
def _items(text: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(text))


def per_client(value: str | Callable[[], str], scope: str, methods: tuple[str, ...] = ()):
    """Limit a view to ``value`` (e.g. "10/minute;40/hour", or a function of the config) per
    client address, counted under ``scope``; only for ``methods`` when given."""

    def decorator(view):
        @wraps(view)
        def limited(*args, **kwargs):
            if limiter.enabled and (not methods or request.method in methods):
                text = value() if callable(value) else value
                prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
                client = get_remote_address()
                for item in _items(text):
                    if not limiter.limiter.hit(item, prefix, scope, client):
                        raise LimitReached(item)
            return view(*args, **kwargs)

        # Flask-Limiter's own hook skips these views: they count here, once.
        return limiter.exempt(limited)

    return decorator
