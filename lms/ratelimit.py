"""Rate limits per client, account or document, in one storage round trip per request.

Built on ``limits`` (the library under Flask-Limiter) with a fixed window: one INCR per
limit and request (on Redis, a view's limits and a companion read are one script call),
and no per-request hooks. Flask-Limiter resolved,
filtered and evaluated its limits in a before-request hook, the decorator and an
after-request hook on every request of the app, which on a public verification cost more
than the lookup itself (bench/load.py).

Settings: RATELIMIT_ENABLED, RATELIMIT_STORAGE_URI (memory:// counts per process, the
embedded default; redis:// shares the counts between every worker and machine) and
RATELIMIT_KEY_PREFIX (installations sharing one Redis). Each app keeps its own.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache, wraps
from typing import Protocol

from flask import Flask, current_app, request
from limits import RateLimitItem, parse_many
from limits.storage import RedisStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, TimeoutError
from werkzeug.exceptions import TooManyRequests

EXTENSION = "lms.ratelimit"


#: A view's limits counted on Redis as ``limits``' fixed window does (INCR, and EXPIRE on
#: the first hit): KEYS are the counters, ARGV[1] their number and then their windows. The
#: companion's Lua runs after them on the remaining keys and arguments, its answer last.
_COUNT = """
local function companion(KEYS, ARGV)
%s
end
local n = tonumber(ARGV[1])
local out = {}
for i = 1, n do
  local count = redis.call('INCR', KEYS[i])
  if count == 1 then redis.call('EXPIRE', KEYS[i], ARGV[i + 1]) end
  out[i] = count
end
out[n + 1] = companion({unpack(KEYS, n + 1)}, {unpack(ARGV, n + 2)})
return out
"""


@dataclass
class _Limits:
    enabled: bool
    strategy: FixedWindowRateLimiter
    prefix: str
    #: The registered count scripts, by companion source.
    scripts: dict = field(default_factory=dict)
    #: Each thread's own connection to the counts' Redis (``_evalsha``).
    threads: threading.local = field(default_factory=threading.local)


class LimitReached(TooManyRequests):
    """A client went over a limit; ``window`` (seconds) bounds the wait (Retry-After)."""

    def __init__(self, item: RateLimitItem):
        super().__init__()
        self.window = item.get_expiry()


class Companion(Protocol):
    """A Redis script run in the same call as a view's counts (``limit``)."""

    def lua(self) -> str | None:
        """Its Lua source (a function body of KEYS and ARGV), or None to ride alone."""

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
                over = _hit(state, items, ident, companion)
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


def _hit(state: _Limits, items, ident: tuple, companion) -> RateLimitItem | None:
    # The first limit the request goes over, or None; each counted like strategy.hit, and
    # on Redis all of them (with the companion) in one script call.
    strategy = state.strategy
    storage = strategy.storage
    lua = companion.lua() if companion is not None else None
    if not isinstance(storage, RedisStorage) or (lua is None and len(items) == 1):
        return next((item for item in items if not strategy.hit(item, *ident)), None)
    source = lua or "return false"  # false: a nil would end the script's answer early
    script = state.scripts.get(source)
    if script is None:
        script = state.scripts.setdefault(
            source, storage.get_connection().register_script(_COUNT % source))
    keys = [storage.prefixed_key(item.key_for(*ident)) for item in items]
    args = [len(items), *(item.get_expiry() for item in items)]
    if lua is not None:
        more_keys, more_args = companion.call()
        keys += more_keys
        args += more_args
    *counts, value = _evalsha(state, script, keys, args)
    if lua is not None:
        companion.receive(value)
    return next((item for item, count in zip(items, counts, strict=True)
                 if int(count) > item.amount), None)



def _evalsha(state: _Limits, script, keys: list, args: list) -> list:
    # On this thread's own connection: a pooled call takes a lock and probes the socket
    # before each command, a third of a public lookup's time (bench/load.py). A broken
    # connection is opened again, and a Redis that restarted is given the script again.
    client = script.registered_client
    for attempt in (1, 2, 3):
        connection = getattr(state.threads, "connection", None)
        if connection is None:
            connection = state.threads.connection = client.connection_pool.make_connection()
        try:
            connection.send_command("EVALSHA", script.sha, len(keys), *keys, *args)
            return connection.read_response()
        except NoScriptError:
            if attempt == 3:
                raise
            client.script_load(script.script)
        except (RedisConnectionError, TimeoutError):
            connection.disconnect()
            state.threads.connection = None
            if attempt == 3:
                raise
    raise AssertionError("unreachable")  # pragma: no cover
