"""Engine tuning per backend, appending many plain rows in the current transaction, and
turning a lost race for a unique value into the service's own refusal.

psycopg runs an executemany as one pipelined statement per row, which on a 100,000-row
planilla costs more than all the rest of the import; PostgreSQL's COPY sends the rows as
one stream instead. SQLite's executemany is already a tight C loop, so it keeps it. Small
writes (a roster tap) keep the ordinary statement, so per-request query counts are unchanged.
"""

import json
import os
import random
import time
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

import psycopg
from flask import Flask, has_request_context, request
from psycopg.rows import namedtuple_row
from sqlalchemy import JSON, Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from lms import tasks
from lms.errors import ValidationError, is_retryable, is_unique_violation
from lms.extensions import db

#: Below this many rows an ordinary INSERT is just as fast.
COPY_MIN = 50
#: Runs of a transaction PostgreSQL aborted to break a deadlock or a serialization conflict.
ATTEMPTS = 3
#: Seconds of the first pause between runs (doubled each time, jittered).
PAUSE = 0.05

T = TypeVar("T")


def retrying(run: Callable[[], T],
             failure: Callable[[T], BaseException | None] = lambda _result: None) -> T:
    """Run ``run()`` as a transaction, again (up to ATTEMPTS runs) when PostgreSQL aborted it
    to break a deadlock or a serialization conflict; the last run's outcome stands.

    ``failure(result)`` names an error that ``run`` turned into a result (an error page),
    so the request plumbing retries those too. Between runs the transaction is rolled
    back and the caller sleeps a random pause, so the racers do not meet again in step.
    """
    for attempt in range(1, ATTEMPTS + 1):
        try:
            result = run()
        except DBAPIError as exc:
            if attempt == ATTEMPTS or not is_retryable(exc):
                raise
        else:
            error = failure(result)
            if error is None or attempt == ATTEMPTS or not is_retryable(error):
                return result
        tasks.rollback()
        time.sleep(random.uniform(PAUSE, 2 * PAUSE) * 2 ** (attempt - 1))
    raise AssertionError("unreachable")  # pragma: no cover


def upsert_into(table: Table):
    """An INSERT of the current backend's dialect, which has ``on_conflict_do_*``."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


def insert_rows(table: Table, rows: list[dict]) -> None:
    """INSERT ``rows`` (dicts with the same keys, no RETURNING needed) into ``table``."""
    if not rows:
        return
    conn = db.session.connection()
    if conn.dialect.name != "postgresql" or len(rows) < COPY_MIN:
        conn.execute(table.insert(), rows)
        return
    names = list(rows[0])
    # JSON is written as text, as SQLAlchemy's default serializer (json.dumps) would.
    as_json = {c.name for c in table.columns if isinstance(c.type, JSON)}
    columns = ", ".join(f'"{name}"' for name in names)
    cursor = conn.connection.driver_connection.cursor()
    try:
        with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([json.dumps(row[n]) if n in as_json else row[n] for n in names])
    finally:
        cursor.close()


@contextmanager
def unique(message: str, field: str):
    """Write the block's rows in a savepoint; a unique constraint refusing them becomes a 409
    ``ValidationError(message, field)``. Make the changes inside the block: entering it
    flushes what is pending outside the savepoint.

    Services check for a duplicate before inserting, but two requests can both pass the
    check; the database constraint then stops the second one here. The savepoint keeps the
    request's transaction usable, and ``from None`` drops the driver's error, whose text
    would carry the duplicated (personal) value.
    """
    try:
        with db.session.begin_nested():
            yield
            db.session.flush()
    except IntegrityError as exc:
        if not is_unique_violation(exc):
            raise
        raise ValidationError(message, field, status=409) from None


def read_once(statement, params: dict | None = None):
    """The first row of one read, in one round trip on PostgreSQL: on an autocommit
    connection of the pool, so no BEGIN before it, no ROLLBACK after it and no session.

    For public lookups that read committed rows and write nothing; each sees every commit
    made before it, by any worker. Elsewhere (SQLite, the tests' bound session) the
    request's session runs it.
    """
    rows = _read(statement, params, first=True)
    return rows[0] if rows else None


def read_all(statement, params: dict | None = None) -> list:
    """Every row of one read, like ``read_once``."""
    return _read(statement, params, first=False)


def _read(statement, params, first: bool) -> list:
    # A request that has not opened a session reads on the engine and never opens one.
    bind = db.session.get_bind() if db.session.registry.has() else db.engine
    if not isinstance(bind, Engine) or bind.dialect.name != "postgresql":
        return _rows(db.session.execute(statement, params), first)
    plan = _PLANS.get(statement)
    if plan is None:
        plan = _PLANS.setdefault(statement, _plan(statement, bind.dialect))
    if not plan:
        with bind.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            return _rows(conn.execute(statement, params), first)
    return _on_driver(bind, plan, params, first)


def _on_driver(engine: Engine, plan: tuple, params: dict | None, first: bool) -> list:
    # psycopg's own cursor on a pooled connection: the statement compiled once, rows as
    # named tuples, a third of SQLAlchemy's cost per read (bench/load.py). SQLAlchemy's
    # execution events do not see these reads.
    sql, defaults = plan
    fairy = engine.raw_connection()
    try:
        driver = fairy.driver_connection
        driver.autocommit = True
        try:
            with driver.cursor(row_factory=namedtuple_row) as cursor:
                cursor.execute(sql, {**defaults, **(params or {})})
                return _rows(cursor, first)
        finally:
            driver.autocommit = False  # as the pool lends it to everyone else
    except psycopg.OperationalError:
        fairy.invalidate()  # a broken connection is never lent again
        raise
    finally:
        fairy.close()


def _rows(result, first: bool) -> list:
    # Every row, or only the first (the rest are never fetched: the result is closed).
    if not first:
        return result.fetchall()
    row = result.fetchone()
    result.close()
    return [] if row is None else [row]


#: Statements read by ``_read``: (SQL, constant parameters), or () when the driver cannot run
#: them alone (a list parameter, a type that converts values, repeated column names).
_PLANS: dict = {}


def _plan(statement, dialect) -> tuple:
    compiled = statement.compile(dialect=dialect)
    names = [column[0] for column in compiled._result_columns]
    converts = any(_converts(column[3], dialect) for column in compiled._result_columns)
    if compiled._bind_processors or converts or len(set(names)) != len(names) or any(
            bind.expanding for bind in compiled.binds.values()):
        return ()
    return compiled.string, compiled.params


def _converts(column_type, dialect) -> bool:
    # Whether SQLAlchemy would convert the driver's values of this column (a Numeric's
    # processor needs the column's wire type, unknown here: assume it would).
    try:
        return column_type._cached_result_processor(dialect, None) is not None
    except TypeError:
        return True


def pool_options(app: Flask) -> None:
    """Size PostgreSQL's pool to the threads (DB_POOL_SIZE), without pre-ping."""
    url = str(app.config.get("SQLALCHEMY_DATABASE_URI") or "")
    if url.startswith("postgresql"):
        # A copy: the settings class's dict is shared by every app built from it.
        options = app.config["SQLALCHEMY_ENGINE_OPTIONS"] = dict(
            app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("pool_size", app.config["DB_POOL_SIZE"])
        options.setdefault("max_overflow", 4)
        options.setdefault("pool_recycle", 1800)


def configure(app: Flask) -> None:
    """Make SQLite behave like the production database where it matters."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, lambda: app.config["SQLITE_BUSY_TIMEOUT_MS"])


def _private_file(path: str | None) -> None:
    # The database holds personal data: readable by the service's user only (and SQLite
    # gives its -wal and -shm files the database file's permissions). Done when the first
    # connection creates it, so an app that never touches the database creates no file.
    if path not in (None, "", ":memory:") and os.path.exists(path):
        os.chmod(path, 0o600)


#: Set inside ``reading()``: the transactions begun there only read.
_READING: ContextVar[bool] = ContextVar("reading", default=False)


@contextmanager
def reading():
    """Run the block in a transaction of its own that only reads, and end it afterwards.

    On SQLite it is a deferred transaction: it takes no write lock, so while a big file is
    checked every other writer (a login, a roster tap) goes on. The caller's transaction is
    ended first, so it must not have written anything yet. A test's session bound to one
    connection (the rolled-back ``db`` fixture) keeps its transaction: the block reads in it,
    and so does a caller inside a savepoint (a command's ``run_once``: all or nothing).
    """
    if not isinstance(db.session.get_bind(), Engine) or db.session().in_nested_transaction():
        yield
        return
    db.session.rollback()
    token = _READING.set(True)
    try:
        yield
    finally:
        db.session.rollback()
        _READING.reset(token)


def _reads_only() -> bool:
    # A page that only reads (GET) must never wait for, or block, a writer.
    if _READING.get():
        return True
    return has_request_context() and request.method in ("GET", "HEAD", "OPTIONS")


def _configure_sqlite(engine: Engine, busy_timeout) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy drive it.
    # Writers (form posts, API writes, commands, tasks) BEGIN IMMEDIATE: a deferred
    # transaction that reads and then writes fails at once ("database is locked") when
    # another writer got in between, whereas an immediate one waits its turn (busy_timeout).
    # GET requests BEGIN a deferred transaction: in WAL mode a reader runs beside the one
    # writer, so a verification or a page never queues behind a long import.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # How long a writer waits for the one write lock before its request is a 503.
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout())}")
        _private_file(engine.url.database)
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN" if _reads_only() else "BEGIN IMMEDIATE")
