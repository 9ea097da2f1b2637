"""Rate limits per client, account or document, in one storage round trip per limit.

Built on ``limits`` (the library under Flask-Limiter) with a fixed window: one INCR (one
EVALSHA on Redis) per limit and request, and no per-request hooks. Flask-Limiter resolved,
filtered and evaluated its limits in a before-request hook, the decorator and an
after-request hook on every request of the app, which on a public verification cost more
than the lookup itself (bench/load.py).

Settings: RATELIMIT_ENABLED, RATELIMIT_STORAGE_URI (memory:// counts per process, the
embedded default; redis:// shares the counts between every worker and machine) and
RATELIMIT_KEY_PREFIX (installations sharing one Redis). Each app keeps its own.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps

from flask import Flask, current_app, request
from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

EXTENSION = "lms.ratelimit"


@dataclass
class _Limits:
    enabled: bool
    strategy: FixedWindowRateLimiter
    prefix: str


class LimitReached(TooManyRequests):
    """A client went over a limit; ``window`` (seconds) bounds the wait (Retry-After)."""

    def __init__(self, item: RateLimitItem):
        super().__init__()
        self.window = item.get_expiry()


def init_app(app: Flask) -> None:
    """Open the app's counter storage."""
    storage = storage_from_string(app.config.get("RATELIMIT_STORAGE_URI", "memory://"))
    app.extensions[EXTENSION] = _Limits(
        enabled=bool(app.config.get("RATELIMIT_ENABLED", True)),
        strategy=FixedWindowRateLimiter(storage),
        prefix=app.config.get("RATELIMIT_KEY_PREFIX", ""),
    )


def client_address() -> str:
    """The client's address (the proxy's, unless PROXY_FIX_X_FOR trusts it)."""
    return request.remote_addr or "127.0.0.1"


@lru_cache(maxsize=64)
def _items(text: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(text))


def limit(value: str | Callable[[], str], scope: str | None = None, *,
          key: Callable[[], str] = client_address, methods: tuple[str, ...] = (),
          deduct_when: Callable | None = None):
    """Limit a view to ``value`` (e.g. "10/minute;40/hour", or a function returning it) per
    ``key()`` (the client address by default), counted under ``scope`` (the view's name).

    Only ``methods`` count when given. With ``deduct_when(response)``, a request counts
    only when that holds (e.g. a refused login); a client already over the limit is
    refused before the view runs either way.
    """

    def decorator(view):
        name = scope or view.__name__

        @wraps(view)
        def limited(*args, **kwargs):
            state: _Limits = current_app.extensions[EXTENSION]
            if not state.enabled or (methods and request.method not in methods):
                return view(*args, **kwargs)
            ident = (state.prefix, name, key())
            items = _items(value() if callable(value) else value)
            if deduct_when is None:
                for item in items:
                    if not state.strategy.hit(item, *ident):
                        raise LimitReached(item)
                return view(*args, **kwargs)
            for item in items:
                if not state.strategy.test(item, *ident):
                    raise LimitReached(item)
            response = current_app.make_response(view(*args, **kwargs))
            if deduct_when(response):
                for item in items:
                    state.strategy.hit(item, *ident)
            return response

        return limited

    return decorator
