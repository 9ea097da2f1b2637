"""SQLite in the embedded default: private files, and readers that never wait for a writer."""

import sqlite3
import stat
from pathlib import Path

import pytest

from lms import create_app
from lms.config import TestConfig
from lms.courses.services import seed_catalog
from lms.extensions import db as _db


@pytest.fixture
def file_app(tmp_path):
    """An app of its own on a SQLite file, schema and catalog in place."""
    path = tmp_path / "lms.sqlite3"
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        _db.create_all()
        seed_catalog()
        _db.session.commit()
    yield app, path
    with app.app_context():
        _db.engine.dispose()


def test_database_file_and_instance_folder_are_private(file_app):
    app, path = file_app
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE((path.parent / "lms.sqlite3-wal").stat().st_mode) == 0o600
    assert stat.S_IMODE(Path(app.instance_path).stat().st_mode) == 0o700


def test_a_page_that_reads_does_not_wait_for_a_writer(file_app):
    app, path = file_app
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a long import holds the one write lock
    try:
        writer.execute("UPDATE plan_indicators SET goal = goal + 1")
        assert app.test_client().get("/datos-abiertos").status_code == 200
    finally:
        writer.execute("ROLLBACK")
        writer.close()
