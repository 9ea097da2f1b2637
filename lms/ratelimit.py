"""Rate limits per client, account or document, in one storage round trip per request.

Built on ``limits`` (the library under Flask-Limiter) with a fixed window: one INCR per
limit and request (on Redis, a view's limits and a companion read share one pipelined
round trip), and no per-request hooks. Flask-Limiter resolved,
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
from typing import Protocol

from flask import Flask, current_app, request
from limits import RateLimitItem, parse_many
from limits.storage import RedisStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from redis.exceptions import NoScriptError
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


class Companion(Protocol):
    """A Redis script call sent in the same round trip as a view's counts (``limit``)."""

    def script(self):
        """The registered script (``redis.commands.core.Script``), or None to ride alone."""

    def call(self) -> tuple[list, list]:
        """Its keys and arguments for this request."""

    def receive(self, value) -> None:
        """Take its result."""


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
          deduct_when: Callable | None = None, companion: Companion | None = None):
    """Limit a view to ``value`` (e.g. "10/minute;40/hour", or a function returning it) per
    ``key()`` (the client address by default), counted under ``scope`` (the view's name).

    Only ``methods`` count when given. With ``deduct_when(response)``, a request counts
    only when that holds (e.g. a refused login); a client already over the limit is
    refused before the view runs either way. A ``companion`` script rides in the same
    Redis round trip as the counts (the view then makes none of its own).
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
                over = _hit(state.strategy, items, ident, companion)
                if over is not None:
                    raise LimitReached(over)
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


def _hit(strategy: FixedWindowRateLimiter, items, ident: tuple, companion) -> RateLimitItem | None:
    # The first limit the request goes over, or None; each counted like strategy.hit, and
    # on Redis all of them (with the companion) in one round trip.
    storage = strategy.storage
    script = companion.script() if companion is not None else None
    if not isinstance(storage, RedisStorage) or (script is None and len(items) == 1):
        return next((item for item in items if not strategy.hit(item, *ident)), None)
    try:
        counts, value = _pipelined(storage, items, ident, script, companion)
    except NoScriptError:  # a Redis that restarted without its scripts
        for lost in (storage.lua_incr_expire, script):
            if lost is not None:
                lost.sha = storage.get_connection().script_load(lost.script)
        counts, value = _pipelined(storage, items, ident, script, companion)
    if script is not None:
        companion.receive(value)
    return next((item for item, count in zip(items, counts, strict=True)
                 if int(count) > item.amount), None)


def _pipelined(storage: RedisStorage, items, ident: tuple, script, companion) -> tuple:
    # EVALSHA directly: redis-py's pipelined scripts would first ask SCRIPT EXISTS, a
    # second round trip on every request.
    pipe = storage.get_connection().pipeline(transaction=False)
    for item in items:
        pipe.evalsha(storage.lua_incr_expire.sha, 1,
                     storage.prefixed_key(item.key_for(*ident)), item.get_expiry(), 1)
    if script is not None:
        keys, args = companion.call()
        pipe.evalsha(script.sha, len(keys), *keys, *args)
    results = pipe.execute()
    return results[:len(items)], (results[len(items)] if script is not None else None)
