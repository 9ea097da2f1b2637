"""Public verification reads (issue 16 part 3): one indexed SELECT in one round trip on an
autocommit connection (no BEGIN, no ROLLBACK, no pre-ping), a pool sized to the threads,
and a revocation seen by the very next request (no per-process cache)."""

import io

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event

from lms.certificates import lifecycle
from lms.extensions import db as _db
from tests.certificates.conftest import completed_enrollment


def test_public_pages_set_no_cookie_and_compare_a_file_without_a_token(app, client, issued,
                                                                        monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    for path in (f"/v/{issued.code}", f"/v/{issued.code}.json", f"/V/{issued.code[:4]}"):
        response = client.get(path)
        assert response.status_code in (200, 404) and "Set-Cookie" not in response.headers
    # Nothing read the (absent) session: the answer does not vary with cookies.
    assert "Vary" not in client.get(f"/v/{issued.code}.json").headers
    assert client.get(f"/v/{issued.code}").status_code == 200
    # The comparison changes nothing: it needs no session and no token.
    compared = client.post(f"/v/{issued.code}", content_type="multipart/form-data",
                           data={"pdf": (io.BytesIO(issued.pdf), "copia.pdf")})
    assert compared.status_code == 200 and "Set-Cookie" not in compared.headers
    assert "El archivo es idéntico" in compared.get_data(as_text=True)
    # The citizen portal's lookup still needs its token.
    form = {"document_type": "CC", "document_number": "123456", "birth_date": "1990-01-01"}
    assert client.post("/certificados", data=form).status_code == 400


def test_pool_is_sized_to_the_threads_without_pre_ping():
    from lms import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@127.0.0.1/x",
                      "SECRET_KEY": "x", "DB_POOL_SIZE": 16})
    with app.app_context():
        pool = _db.engine.pool
        assert pool.size() == 16 and not pool._pre_ping
        _db.engine.dispose()


@pytest.mark.postgres
def test_json_lookup_is_one_autocommit_statement_and_sees_revocations(committed):
    from lms.certificates.issue import issue_for

    app = committed
    with app.app_context():
        cert = issue_for(completed_enrollment())
        _db.session.commit()
        code, cert_id = cert.code, cert.id
        engine = _db.engine
    seen = []

    def count(conn, _cursor, statement, *_args):
        seen.append((statement.split()[0], conn.connection.dbapi_connection.autocommit))

    client = FlaskClient(app, app.response_class)  # a real request context each time
    client.get(f"/v/{code}.json")  # warm-up: the pool's first connection
    event.listen(engine, "before_cursor_execute", count)
    try:
        first = client.get(f"/v/{code}.json")
        assert first.status_code == 200 and first.get_json()["status"] == "valid"
        assert seen == [("SELECT", True)], seen  # psycopg sends no BEGIN in autocommit
        page = client.get(f"/v/{code}")
        assert page.status_code == 200 and "REGISTRADO" in page.get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    with app.app_context():
        from lms.certificates.models import Certificate

        lifecycle.revoke(_db.session.get(Certificate, cert_id), "Emitido por error")
        _db.session.commit()
    assert client.get(f"/v/{code}.json").get_json()["status"] == "revoked"
    assert "REVOCADO" in client.get(f"/v/{code}").get_data(as_text=True)


@pytest.mark.postgres
def test_the_portal_reads_on_the_driver_as_sqlalchemy_would_and_returns_clean_connections(
        committed):
    """The portal's SELECT runs on psycopg's own cursor (compiled once, no transaction):
    the same rows as through SQLAlchemy, and the pool gets its connection back as lent."""
    from lms import database
    from lms.certificates import public
    from lms.certificates.issue import issue_for

    app = committed
    with app.app_context():
        cert = issue_for(completed_enrollment())
        _db.session.commit()
        person = cert.enrollment.person
        form = {"document_type": person.document_type, "document_number": person.document_number,
                "birth_date": person.birth_date.isoformat()}
        params = {"document_type": person.document_type, "number": person.document_number,
                  "birth_date": person.birth_date}
        code = cert.code
        through_orm = [tuple(row) for row in _db.session.execute(public._PORTAL, params)]
        _db.session.rollback()
        with app.test_request_context():
            rows = database.read_all(public._PORTAL, params)
            first = database.read_once(public._PORTAL, params)
            nobody = database.read_once(public._PORTAL, {**params, "number": "0"})
            assert database._PLANS[public._PORTAL], "the portal's read runs on the driver"
        assert [tuple(row) for row in rows] == through_orm and len(rows) == 1
        assert rows[0].code == code and rows[0].is_valid is True and rows[0].status == "valid"
        assert tuple(first) == through_orm[0] and nobody is None
        lent = _db.engine.raw_connection()
        try:
            assert lent.driver_connection.autocommit is False
        finally:
            lent.close()
    page = FlaskClient(app, app.response_class).post("/certificados", data=form)
    assert page.status_code == 200 and code in page.get_data(as_text=True)
