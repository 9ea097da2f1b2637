"""Shared set-up for the attendance benchmarks: a migrated database of its own."""

import os
import sys
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def databases() -> list[tuple[str, str]]:
    """(label, URL): a fresh temporary SQLite file, plus PostgreSQL if BENCH_DATABASE_URL is set.

    The PostgreSQL database named in BENCH_DATABASE_URL is DROPPED and recreated.
    """
    tmp = tempfile.mkdtemp(prefix="bench-attendance-")
    found = [("sqlite", f"sqlite:///{tmp}/bench.sqlite3")]
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        found.append(("postgresql", url))
    return found


def fresh(url: str):
    """Create (or recreate) the database, migrate it and return the app."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}"'))
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
        admin.dispose()
    return app_for(url, migrate=True)


def app_for(url: str, migrate: bool = False):
    """The app on ``url`` (migrated first when asked)."""
    from flask_migrate import upgrade

    from lms import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "RATELIMIT_ENABLED": False, "TESTING": True,
                      "WTF_CSRF_ENABLED": False})
    if migrate:
        with app.app_context():
            upgrade()
    return app
