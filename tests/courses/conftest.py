"""Fixtures for the courses tests: seeded catalog, API tokens, upload helpers."""

import io

import openpyxl
import pytest
from flask_sqlalchemy.session import Session as FlaskSession

from lms.auth.services import create_token
from lms.courses.services import seed_catalog
from lms.extensions import db as _db
from tests import factories


class _BoundSession(FlaskSession):
    """A session that honours its own ``bind``.

    Flask-SQLAlchemy 3.1's get_bind() always answers with the app's engine, so the
    shared ``db`` fixture's session runs on a fresh connection and view commits persist
    across tests. Binding to the test connection makes the rollback real again.
    """

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        """Return the test connection when the session was bound to one."""
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


@pytest.fixture
def db(app):
    """Like tests/conftest.py's ``db``, but really rolled back even when views commit."""
    with app.app_context():
        connection = _db.engine.connect()
        outer = connection.begin()
        original = _db.session
        _db.session = _db._make_scoped_session(
            {
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
                "class_": _BoundSession,
            }
        )
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def catalog(db):
    """The official catalog, comunas/corregimientos and privacy notice."""
    return seed_catalog()


@pytest.fixture
def bearer(db):
    """Authorization headers for a user's new API token."""

    def _headers(user):
        return {"Authorization": f"Bearer {create_token(user, 'pruebas')}"}

    return _headers


@pytest.fixture
def other_trainer(db):
    """A trainer with no cohorts."""
    return factories.user(role="trainer")


def xlsx_bytes(rows) -> bytes:
    """An XLSX workbook whose first sheet holds ``rows``."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
