"""Fixtures: the app on SQLite (or PostgreSQL via LMS_TEST_DB_URL), a rolled-back db, clients."""

import os
import threading
import uuid

import pytest
import redis
from flask import g
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from lms import create_app, tasks
from lms.auth.sessions import sign_in
from lms.config import TestConfig
from lms.extensions import db as _db
from tests import factories

#: The Redis the shared-store tests use (rate limits, the public cache); CI starts one.
REDIS_URL = os.environ.get("LMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


@pytest.fixture
def prefix():
    """A Redis key prefix of this test's own (its keys are deleted afterwards)."""
    name = f"lms-test-{uuid.uuid4().hex}:"
    yield name
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"*{name}*"):
        client.delete(key)
    client.close()


def _on_postgres() -> bool:
    url = os.environ.get("LMS_TEST_DB_URL")
    return bool(url) and make_url(url).get_backend_name() == "postgresql"


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` run in the PostgreSQL pass (LMS_TEST_DB_URL) only."""
    if _on_postgres():
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: set LMS_TEST_DB_URL")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


def _database_url(tmp_path_factory, worker: str) -> str:
    url = os.environ.get("LMS_TEST_DB_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    parsed = make_url(url)
    name = f"{parsed.database}_{worker}"
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(autouse=True)
def _queue_belongs_to_the_session_app(request):
    """A test that builds an app of its own also configures the one task queue for it
    (``create_app`` calls ``tasks.init_app``, and a non-test app queues instead of running
    tasks at once); every test on the session's app gets the queue back first."""
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        if tasks._app is not app:
            tasks.init_app(app)
    yield


def _reset_schema(app) -> None:
    engine = _db.engine
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        _db.drop_all()
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    upgrade()


class _Client(FlaskClient):
    # Tests hold one app context open (for the db fixture), and Flask reuses it for each
    # request, so forget the previous request's user and CSRF token (Flask-WTF caches it
    # in g) like a real new context would.
    # The test's own setup is committed first (into the fixture's outer transaction, which
    # is still rolled back at the end), so a request that fails and rolls back undoes only
    # its own writes, as it would against a real database. Tasks the setup queued are sent
    # with that commit, as a command's would be (immediate mode runs them right there).
    def open(self, *args, **kwargs):
        g.pop("_login_user", None)
        g.pop("csrf_token", None)
        tasks.commit()
        return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory, worker_id):
    """The app with its schema built by the migrations, once per test worker."""
    url = _database_url(tmp_path_factory, worker_id)
    instance = tmp_path_factory.mktemp("instance")
    application = create_app(
        {
            **{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
            "SQLALCHEMY_DATABASE_URI": url,
            "SIGNING_KEY_DIR": str(instance / "keys"),
            "LTI_KEY_DIR": str(instance / "lti-keys"),
        }
    )
    application.test_client_class = _Client
    with application.app_context():
        _reset_schema(application)
    yield application
    with application.app_context():
        # Close pooled connections, or psycopg warns (an error under filterwarnings) at exit.
        _db.engine.dispose()


class _BoundSession(FlaskSession):
    # Flask-SQLAlchemy hands out its engine and ignores a session-level bind; honour it,
    # so commits in views land in the test's connection and are rolled back with it.
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


@pytest.fixture
def client(app, db):
    """A test client sharing the rolled-back session."""
    return app.test_client()


@pytest.fixture
def login(client):
    """Log the client in as a user without paying for password hashing."""

    def _login(user):
        with client.session_transaction() as session:
            sign_in(session, user.get_id())
        return user

    return _login


@pytest.fixture
def admin(db):
    """An admin account."""
    return factories.user(role="admin")


@pytest.fixture
def trainer(db):
    """A trainer account."""
    return factories.user(role="trainer")


@pytest.fixture
def analyst(db):
    """An analyst account."""
    return factories.user(role="analyst")


@pytest.fixture
def runner(app, db):
    """A CLI runner sharing the rolled-back session."""
    return app.test_cli_runner()


#: Seconds a request thread may take before a test calls it stuck (a guard, never reached).
STUCK = 120


@pytest.fixture
def committed(app):
    """An empty, really committed database (requests in threads share no transaction)."""
    from tests.browser.conftest import _truncate_all

    _truncate_all(app)
    yield app
    _truncate_all(app)


def statements_of(client, url: str) -> int:
    """How many SQL statements a GET of ``url`` runs (savepoints aside), nothing cached."""
    from sqlalchemy import event

    seen = []
    _db.session.expire_all()

    def listener(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(_db.engine, "before_cursor_execute", listener)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(_db.engine, "before_cursor_execute", listener)
    return len([s for s in seen if not s.startswith(("SAVEPOINT", "RELEASE"))])


def at_once(app, send, count):
    """Run ``send(client)`` from ``count`` threads released together; their responses."""
    barrier = threading.Barrier(count, timeout=STUCK)
    responses: list = [None] * count

    def run(i):
        client = FlaskClient(app, app.response_class, use_cookies=True)
        try:
            barrier.wait()
            responses[i] = send(client)
        except Exception as exc:  # noqa: BLE001 - the caller sees it in the responses
            responses[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(STUCK)
    return responses
