"""Engine tuning per backend."""

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from lms.extensions import db


def configure(app: Flask) -> None:
    """Make SQLite behave like the production database where it matters."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling breaks SAVEPOINT; let SQLAlchemy drive it.
    # BEGIN IMMEDIATE takes the write lock up front: a deferred transaction that reads and
    # then writes fails at once ("database is locked") when another writer got in between,
    # whereas an immediate one just waits its turn (busy_timeout). SQLite has one writer
    # anyway, so queueing costs little and a trainer never sees a lost mark.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
