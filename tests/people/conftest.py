"""A ``db`` fixture that really rolls back, for the people tests.

The shared fixture binds its session to one connection, but Flask-SQLAlchemy's
Session.get_bind() ignores the session-level bind and hands out the engine, so a
view's commit() reaches the database and leaks into later tests. This subclass
honours the bind; everything else (client, admin, runner…) picks it up because
they depend on ``db``.
"""

import pytest
from flask_sqlalchemy.session import Session as FlaskSession

from lms.extensions import db as _db


class _BoundSession(FlaskSession):
    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind or self.bind or super().get_bind(mapper, clause, bind, **kwargs)


@pytest.fixture
def db(app):
    """A session whose work is rolled back after the test, even when views commit."""
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


@pytest.fixture(scope="session", autouse=True)
def _close_pool(app):
    """Close pooled connections at the end, or psycopg warns (an error here) at exit."""
    yield
    with app.app_context():
        _db.engine.dispose()
