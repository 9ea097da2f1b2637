"""Per-process caches of public answers that are never stale, on any worker or machine.

An answer is kept with the shared token it was read under (Redis, one round trip per
request). A transaction that changes what such answers show calls ``touch``: from then
until it ends, Redis lists it as pending and every reader goes to the database without
keeping what it reads; after its commit the token is replaced, so answers kept before it
are never served again. A revocation is therefore never answered "valid" once it has
committed, even in the moment between the commit and the new token (bench/scale_out.py).

Tokens are random, never a counter, so a Redis restart cannot bring an old one back. If
Redis fails after a commit, the pending entry outlives ``MAX_AGE`` and every answer kept
before it has expired by then.

Settings: PUBLIC_CACHE_URI (default: RATELIMIT_STORAGE_URI when it is redis://, the store
every worker already shares) and PUBLIC_CACHE_SIZE (answers per process, default 8,192: a
municipality's whole register; a verification page is about 6 KB). Without a shared store
(the embedded default, memory://) nothing is cached and every read goes to the database.
"""

import random
import threading
import time
import uuid
from collections.abc import Callable, Hashable

import redis
from flask import Flask, current_app, g, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

EXTENSION = "lms.pagecache"
#: Seconds an answer is kept at most (only matters if Redis failed after a commit).
MAX_AGE = 300
#: Seconds a transaction stays listed as pending if it never says how it ended.
PENDING_TTL = 900
_PENDING = "lms.pagecache.pending"
_SENT = "lms_pagecache_sent"

#: The token, or nothing while a change is pending (one round trip for the reader).
_READ = """
local now = redis.call('TIME')
if #redis.call('ZRANGEBYSCORE', KEYS[2], now[1], '+inf', 'LIMIT', 0, 1) > 0 then
  return false
end
local token = redis.call('GET', KEYS[1])
if not token then
  token = ARGV[1]
  redis.call('SET', KEYS[1], token)
end
return token
"""
#: List a transaction as pending until it ends (or for PENDING_TTL seconds).
_BEGIN = """
local now = tonumber(redis.call('TIME')[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]), ARGV[1])
"""
#: A transaction ended: unlist it, and replace the token if it committed.
_END = """
redis.call('ZREM', KEYS[2], ARGV[1])
if ARGV[2] ~= '' then redis.call('SET', KEYS[1], ARGV[2]) end
"""


class _Store:
    def __init__(self, client: redis.Redis, prefix: str, size: int):
        self.keys = [f"{prefix}lms:public:token", f"{prefix}lms:public:pending"]
        self.read = client.register_script(_READ)
        self.begin = client.register_script(_BEGIN)
        self.end = client.register_script(_END)
        self.size = size
        self.answers: dict = {}
        self.lock = threading.Lock()

    def new_token(self) -> str:
        return f"{random.getrandbits(128):032x}"  # unique, not secret: no urandom per read

    def keep(self, key: Hashable, token: bytes, value) -> None:
        with self.lock:
            if len(self.answers) >= self.size:
                del self.answers[next(iter(self.answers))]  # the oldest first
            self.answers[key] = (token, time.monotonic(), value)


def init_app(app: Flask) -> None:
    """Open the shared store when there is one (see the module's settings)."""
    uri = app.config.get("PUBLIC_CACHE_URI")
    if uri is None:
        limits = app.config.get("RATELIMIT_STORAGE_URI", "")
        uri = limits if limits.startswith(("redis://", "rediss://")) else ""
    if uri:
        store = _Store(redis.Redis.from_url(uri), app.config.get("RATELIMIT_KEY_PREFIX", ""),
                       int(app.config.get("PUBLIC_CACHE_SIZE", 8192)))
        store.with_limits = uri == app.config.get("RATELIMIT_STORAGE_URI")
        app.extensions[EXTENSION] = store


class _TokenRead:
    """The token read, sent with the rate limit's counts (``ratelimit.limit(companion=…)``)."""

    def lua(self) -> str | None:
        """The reader's Lua when the limits count in the same Redis, else None."""
        store: _Store | None = current_app.extensions.get(EXTENSION)
        return _READ if store is not None and store.with_limits else None

    def call(self) -> tuple[list, list]:
        """The reader's keys and arguments."""
        store: _Store = current_app.extensions[EXTENSION]
        return store.keys, [store.new_token()]

    def receive(self, value) -> None:
        """Keep the token for ``cached`` in this request."""
        setattr(g, _SENT, (value,))  # None is an answer too: a change is pending


#: Pass to ``ratelimit.limit(companion=…)`` on views that call ``cached``.
TOKEN_READ = _TokenRead()


def cached(key: Hashable, build: Callable[[], object]):
    """``build()``'s answer for ``key``, from this process while nothing it shows changed.

    ``None`` answers (not found) are never kept; an exception from ``build`` passes through.
    """
    store: _Store | None = current_app.extensions.get(EXTENSION)
    if store is None:
        return build()
    # Read before the database (here or with the request's rate-limit counts): a change
    # committed after this is seen by the next read.
    sent = g.pop(_SENT, None)
    token = sent[0] if sent else store.read(store.keys, [store.new_token()])
    if token is None:  # a change is on its way: read it, keep nothing
        return build()
    hit = store.answers.get(key)
    if hit is not None and hit[0] == token and time.monotonic() - hit[1] < MAX_AGE:
        return hit[2]
    value = build()
    if value is not None:
        store.keep(key, token, value)
    return value


def touch(session: Session) -> None:
    """This transaction changes public answers: list it as pending until it ends.

    Raises ``redis.RedisError`` if the shared store cannot be told: the change must not
    commit while other workers may still answer from their copies.
    """
    if _PENDING in session.info or not has_app_context():
        return
    store: _Store | None = current_app.extensions.get(EXTENSION)
    if store is not None:
        mark = uuid.uuid4().hex
        store.begin(store.keys, [mark, PENDING_TTL])
        session.info[_PENDING] = mark


def _end(session: Session, committed: bool) -> None:
    mark = session.info.pop(_PENDING, None)
    if mark is None or not has_app_context():
        return
    store: _Store | None = current_app.extensions.get(EXTENSION)
    if store is not None:
        try:
            store.end(store.keys, [mark, uuid.uuid4().hex if committed else ""])
        except redis.RedisError:
            current_app.logger.error("public cache: pending change not cleared in Redis")


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.get_nested_transaction() is None:  # the whole transaction, not a savepoint
        _end(session, committed=True)


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction) -> None:
    if transaction.parent is None:  # rolled back or closed (a commit ended it above)
        _end(session, committed=False)
