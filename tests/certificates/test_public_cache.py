"""Public verification answers kept per process (lms.pagecache): fast, and exact on every
worker. Two apps on one database and one Redis stand for two workers of an installation."""

from contextlib import ExitStack
from datetime import date

import pytest
import redis
from sqlalchemy import create_engine, select, text

from lms.auth.sessions import sign_in
from tests import factories
from tests.certificates.conftest import completed_enrollment, standalone_app
from tests.conftest import REDIS_URL

PERSON = {"document_type": "CC", "document_number": "1090123456", "birth_date": date(1990, 3, 4)}


@pytest.fixture
def workers(request, tmp_path, prefix):
    """Two apps sharing one SQLite file and Redis: (worker A, worker B, a document code).

    Rate limits on, as in production: the cache's token then rides with the counts
    (``ratelimit.limit(companion=…)``); ``indirect`` False turns them off, and the cache
    reads its token alone.
    """
    limits = getattr(request, "param", True)
    shared = {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix,
              "RATELIMIT_ENABLED": limits, "CERT_VERIFY_RATE_LIMIT": "1000/minute"}
    with ExitStack() as stack:
        a = stack.enter_context(standalone_app(tmp_path, **shared))
        b = stack.enter_context(standalone_app(tmp_path, tables=False, **shared))
        yield a, b, _issue(a)


def _issue(app) -> str:
    from lms.certificates.issue import issue_for
    from lms.extensions import db

    with app.app_context():
        enrollment = completed_enrollment(person_=factories.person(**PERSON))
        code = issue_for(enrollment).code
        db.session.commit()
    return code


def _behind_the_apps_back(app, sql: str) -> None:
    # A change no app makes (no session, so no renewal): shows what a process keeps.
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with engine.begin() as conn:
        conn.execute(text(sql))
    engine.dispose()


def _admin_client(app):
    from lms.extensions import db

    with app.app_context():
        admin = factories.user(role="admin")
        db.session.commit()
        user_id = admin.get_id()
    client = app.test_client()
    with client.session_transaction() as session:
        sign_in(session, user_id)
    return client


@pytest.mark.parametrize("workers", [True, False], ids=["with-limits", "alone"],
                         indirect=True)
def test_a_revocation_on_one_worker_shows_on_the_other_at_once(workers):
    a, b, code = workers
    reader = b.test_client()
    assert reader.get(f"/v/{code}.json").json["status"] == "valid"
    assert "VÁLIDO" in reader.get(f"/v/{code}").text
    revoked = _admin_client(a).post(f"/admin/certificados/{code}/revocar",
                                    data={"reason": "Emitido por error"})
    assert revoked.status_code == 302
    assert reader.get(f"/v/{code}.json").json["status"] == "revoked"
    assert "REVOCADO" in reader.get(f"/v/{code}").text


def test_answers_are_kept_until_a_document_changes(workers):
    a, b, code = workers
    reader = b.test_client()
    assert reader.get(f"/v/{code}.json").json["course_name"] != "Otro nombre"
    assert "Otro nombre" not in reader.get(f"/v/{code}").text
    _behind_the_apps_back(b, f"UPDATE certificates SET course_name = 'Otro nombre' "
                             f"WHERE code = '{code}'")
    # Kept: the same answer, without reading the database.
    assert reader.get(f"/v/{code}.json").json["course_name"] != "Otro nombre"
    assert "Otro nombre" not in reader.get(f"/v/{code}").text
    # A change through the app (here a revocation on the other worker) renews them all.
    _admin_client(a).post(f"/admin/certificados/{code}/revocar",
                          data={"reason": "Emitido por error"})
    assert reader.get(f"/v/{code}.json").json["course_name"] == "Otro nombre"
    assert "Otro nombre" in reader.get(f"/v/{code}").text


def test_a_portal_lookup_keeps_the_answers(workers, prefix):
    a, _b, code = workers
    store = redis.Redis.from_url(REDIS_URL)
    client = a.test_client()
    client.get(f"/v/{code}.json")
    token = store.get(f"{prefix}lms:public:token")
    assert token
    form = {**PERSON, "birth_date": PERSON["birth_date"].isoformat()}
    page = client.post("/certificados", data=form)
    assert code in page.text and "Descargar PDF" in page.text  # a fresh link was stored
    assert store.get(f"{prefix}lms:public:token") == token


def test_while_a_change_is_pending_nothing_kept_is_served(workers):
    from lms.certificates import lifecycle
    from lms.certificates.models import Certificate
    from lms.extensions import db

    a, b, code = workers
    reader = b.test_client()
    kept = reader.get(f"/v/{code}.json").json
    _behind_the_apps_back(b, f"UPDATE certificates SET course_name = 'Otro nombre' "
                             f"WHERE code = '{code}'")
    with a.app_context():
        lifecycle.revoke(db.session.scalar(select(Certificate).filter_by(code=code)),
                         "Emitido por error")
        db.session.flush()  # listed as pending from here until the transaction ends
        during = reader.get(f"/v/{code}.json").json
        db.session.rollback()
    # Read from the database (not yet committed, so still valid), and nothing kept.
    assert (during["course_name"], during["status"]) == ("Otro nombre", "valid")
    # Rolled back: nothing changed through the app, so the copy kept before is served again.
    assert reader.get(f"/v/{code}.json").json == kept


def test_a_reader_with_a_session_gets_a_fresh_page(workers):
    _a, b, code = workers
    reader = b.test_client()
    reader.get(f"/v/{code}")
    _behind_the_apps_back(b, f"UPDATE certificates SET course_name = 'Otro nombre' "
                             f"WHERE code = '{code}'")
    assert "Otro nombre" not in reader.get(f"/v/{code}").text
    signed_in = _admin_client(b)  # the page shows their menu: never a shared copy
    assert "Otro nombre" in signed_in.get(f"/v/{code}").text


def test_without_a_shared_store_every_read_goes_to_the_database(tmp_path):
    with standalone_app(tmp_path, RATELIMIT_STORAGE_URI="memory://") as app:
        code = _issue(app)
        reader = app.test_client()
        reader.get(f"/v/{code}.json")
        _behind_the_apps_back(app, f"UPDATE certificates SET course_name = 'Otro nombre' "
                                   f"WHERE code = '{code}'")
        assert reader.get(f"/v/{code}.json").json["course_name"] == "Otro nombre"


def test_a_redis_that_lost_its_scripts_is_given_them_again(workers):
    _a, b, code = workers
    reader = b.test_client()
    assert reader.get(f"/v/{code}.json").status_code == 200
    redis.Redis.from_url(REDIS_URL).script_flush()  # as after a restart
    assert reader.get(f"/v/{code}.json").json["code"] == code


def test_each_language_has_its_own_page(tmp_path, prefix):
    from tests.test_translations import _english_catalog

    folder = _english_catalog(tmp_path / "translations")
    with standalone_app(tmp_path, BABEL_TRANSLATION_DIRECTORIES=folder,
                        RATELIMIT_STORAGE_URI=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix) as app:
        code = _issue(app)
        reader = app.test_client()

        def page(language):
            return reader.get(f"/v/{code}", headers={"Accept-Language": language}).text

        assert "Skip to content" in page("en")
        assert "Saltar al contenido" in page("es-CO")
        assert "Skip to content" in page("en")  # both kept, each under its language


def test_without_redis_a_revocation_waits_and_changes_nothing(tmp_path):
    # Its pending mark cannot be set, so it must not commit while workers keep copies.
    nowhere = "redis://127.0.0.1:1/0"
    with standalone_app(tmp_path, PUBLIC_CACHE_URI=nowhere) as app:
        code = _issue(app)
        refused = _admin_client(app).post(f"/admin/certificados/{code}/revocar",
                                          data={"reason": "Emitido por error"})
        assert refused.status_code == 503 and refused.headers["Retry-After"]
        assert "El servicio está ocupado" in refused.text
        assert app.test_client().get(f"/v/{code}.json").status_code == 503
    with standalone_app(tmp_path, tables=False) as same_database:
        assert same_database.test_client().get(f"/v/{code}.json").json["status"] == "valid"
