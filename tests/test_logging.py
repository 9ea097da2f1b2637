"""Request ids in logs, responses and the 500 page; no SQL parameters in error logs."""

import logging
import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from lms import create_app
from lms.config import TestConfig
from lms.extensions import db as _db

DOCUMENT = "1090" + "123456"  # built here, so a traceback's source lines don't show it


@pytest.fixture
def broken_client(tmp_path):
    """An app of its own with a route that fails in the database on a personal value."""
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    app = create_app({**config, "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    def boom():
        query = text("SELECT * FROM no_such_table WHERE doc = :d")
        _db.session.execute(query, {"d": DOCUMENT})

    def locked():
        raise OperationalError("UPDATE x", {}, sqlite3.OperationalError("database is locked"))

    def duplicate():
        raise IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))

    app.add_url_rule("/_boom", "boom", boom)
    app.add_url_rule("/api/v1/_boom", "api_boom", boom)
    app.add_url_rule("/_locked", "locked", locked, methods=["POST"])
    app.add_url_rule("/api/v1/_duplicate", "duplicate", duplicate, methods=["POST"])
    with app.app_context():
        yield app.test_client()
        _db.engine.dispose()


def test_every_response_carries_a_request_id(client):
    first = client.get("/login").headers["X-Request-ID"]
    second = client.get("/login").headers["X-Request-ID"]
    assert len(first) == 16 and first != second


def test_a_sane_proxy_request_id_is_kept_and_junk_is_replaced(client):
    kept = client.get("/login", headers={"X-Request-ID": "abc-123-def-456"})
    assert kept.headers["X-Request-ID"] == "abc-123-def-456"
    junk = client.get("/login", headers={"X-Request-ID": "<script>"})
    assert junk.headers["X-Request-ID"] != "<script>"


def test_500_page_and_log_show_the_request_id_but_no_parameters(broken_client, caplog):
    caplog.set_level(logging.ERROR, logger="lms")
    logging.getLogger("lms").addHandler(caplog.handler)
    try:
        page = broken_client.get("/_boom", headers={"X-Request-ID": "req-00000001"})
    finally:
        logging.getLogger("lms").removeHandler(caplog.handler)
    assert page.status_code == 500 and "req-00000001" in page.get_data(as_text=True)
    logged = "\n".join(logging.Formatter().format(r) for r in caplog.records)
    assert "request.failed" in logged and "1090123456" not in logged
    record = next(r for r in caplog.records if r.getMessage() == "request.failed")
    assert record.request_id == "req-00000001" and record.fields["endpoint"] == "boom"



def test_api_500_is_json_with_the_request_id(broken_client):
    response = broken_client.get("/api/v1/_boom", headers={"X-Request-ID": "req-00000003"})
    assert response.status_code == 500
    assert response.json["request_id"] == "req-00000003"


def test_lock_timeout_is_503_with_retry_after_and_a_unique_clash_409(broken_client):
    locked = broken_client.post("/_locked")
    assert locked.status_code == 503 and locked.headers["Retry-After"] == "2"
    assert "ocupado" in locked.get_data(as_text=True)
    clash = broken_client.post("/api/v1/_duplicate")
    assert clash.status_code == 409 and clash.json["code"] == "conflict"
