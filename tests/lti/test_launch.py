"""Login initiation and launch against the test platform, and every refusal."""

import time

import pytest
from flask.testing import FlaskClient
from joserfc.jwk import RSAKey
from sqlalchemy import func, select

from lms import create_app
from lms.auth.models import User
from lms.config import TestConfig
from lms.extensions import db as _db
from lms.lti import platforms
from lms.lti.models import Account, LoginState
from tests.lti.conftest import launch, login
from tests.lti.platform import LTI


def test_login_redirects_with_every_parameter_the_spec_lists(client, registered):
    query = login(client, registered)
    assert query["scope"] == "openid" and query["response_type"] == "id_token"
    assert query["response_mode"] == "form_post" and query["prompt"] == "none"
    assert query["client_id"] == registered.client_id
    assert query["redirect_uri"] == "http://localhost/lti/launch"
    assert query["login_hint"] == "profe" and query["lti_message_hint"] == "ctx-42"
    assert query["state"] and query["nonce"]


def test_login_by_post_too(client, registered):
    response = client.post("/lti/login", data=registered.login_params())
    assert response.status_code == 302
    cookie = [h for h in response.headers.getlist("Set-Cookie") if "lti1p3-state-" in h][0]
    assert "SameSite=None" in cookie and "Secure" in cookie and "Partitioned" in cookie


def test_instructor_launch_opens_a_framed_trainer_session(client, db, registered):
    response = launch(client, registered, "profe")
    assert response.status_code == 302 and response.headers["Location"].endswith("/lti/inicio")
    cookie = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")][0]
    assert "SameSite=None" in cookie and "Secure" in cookie and "Partitioned" in cookie
    user = db.session.scalar(select(User).join(Account, Account.user_id == User.id))
    assert user.role == "trainer" and user.name == "Ana Docente"
    assert client.get("/lti/inicio").headers["Location"].endswith("/lti/enlazar")
    page = client.get("/lti/enlazar")
    assert page.status_code == 200
    csp = page.headers["Content-Security-Policy"]
    assert f"frame-ancestors {registered.base}" in csp and "X-Frame-Options" not in page.headers
    # A second launch of the same person reuses the account and the trainer.
    assert launch(client, registered, "profe").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Account)) == 1


def test_launch_is_audited_without_token_contents(client, db, registered):
    from lms.audit.models import AuditEntry

    launch(client, registered, "estudiante")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "lti_launch"))
    assert entry.changes["role"] == "learner"
    text = str(entry.changes)
    assert "u-est" not in text and "nonce" not in text and "eyJ" not in text


def test_pages_refuse_framing_outside_lti(client, login, admin, registered):
    login(admin)
    page = client.get("/admin/lti")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert registered.issuer in page.get_data(as_text=True)


def _refused(response, db, words):
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert words in body and "No se pudo ingresar" in body
    assert not any(h.startswith("session=") and "Max-Age=0" not in h and 'session=;' not in h
                   for h in response.headers.getlist("Set-Cookie"))
    assert db.session.scalar(select(func.count()).select_from(Account)) == 0


def test_bad_signature_is_refused(client, db, registered):
    other = RSAKey.generate_key(2048, private=True)
    query = login(client, registered)
    token = registered.sign(registered.claims("profe", query["nonce"]), key=other)
    response = client.post("/lti/launch", data={"id_token": token, "state": query["state"]})
    _refused(response, db, "firma")


def test_wrong_audience_is_refused(client, db, registered):
    _refused(launch(client, registered, aud="otra-herramienta"), db, "no está dirigido")


def test_unknown_deployment_is_refused(client, db, registered):
    response = launch(client, registered, **{LTI + "deployment_id": "dep-desconocido"})
    _refused(response, db, "deployment")


def test_expired_token_is_refused(client, db, registered):
    old = int(time.time()) - 3600
    _refused(launch(client, registered, iat=old, exp=old + 60), db, "venció")


def test_missing_state_cookie_is_refused(app, client, db, registered):
    query = login(client, registered)
    token = registered.authorize(query)
    stranger = app.test_client()
    response = stranger.post("/lti/launch", data={"id_token": token, "state": query["state"]})
    _refused(response, db, "cookie de estado")


def test_unregistered_platform_login_is_refused(client, db, platform):
    response = client.get("/lti/login", query_string=platform.login_params())
    assert response.status_code == 400
    assert "no está registrada" in response.get_data(as_text=True)


@pytest.fixture
def two_apps(committed, platform):
    """The session app and a second instance on the same database (two workers)."""
    other = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                        "SQLALCHEMY_DATABASE_URI": committed.config["SQLALCHEMY_DATABASE_URI"],
                        "LTI_KEY_DIR": committed.config["LTI_KEY_DIR"]})
    with committed.app_context():
        platforms.register(**platform.registration())
        _db.session.commit()
    yield committed, other
    with other.app_context():
        _db.engine.dispose()


def test_replayed_launch_fails_on_another_worker(two_apps, platform):
    first, second = two_apps
    with first.app_context():
        client = FlaskClient(first, first.response_class, use_cookies=True)
        query = login(client, platform)
        token = platform.authorize(query)
        form = {"id_token": token, "state": query["state"]}
        assert client.post("/lti/launch", data=form).status_code == 302
        cookie = client.get_cookie("lti1p3-state-" + query["state"], path="/lti/")
    with second.app_context():
        replay = FlaskClient(second, second.response_class, use_cookies=True)
        replay.set_cookie("lti1p3-state-" + query["state"], query["state"], path="/lti/")
        response = replay.post("/lti/launch", data=form)
        assert response.status_code == 400
        assert "ya fue usado" in response.get_data(as_text=True)
        assert _db.session.scalar(select(func.count()).select_from(LoginState)) == 0
        assert _db.session.scalar(select(func.count()).select_from(Account)) == 1
    assert cookie is None  # the launch deleted the state cookie


@pytest.mark.postgres
def test_concurrent_replays_let_exactly_one_launch_through(two_apps, platform):
    from tests.conftest import at_once

    first, _second = two_apps
    with first.app_context():
        client = FlaskClient(first, first.response_class, use_cookies=True)
        query = login(client, platform)
        form = {"id_token": platform.authorize(query), "state": query["state"]}

        def send(other):
            other.set_cookie("lti1p3-state-" + query["state"], query["state"], path="/lti/")
            with first.app_context():
                return other.post("/lti/launch", data=form).status_code

        codes = at_once(first, send, 4)
        assert sorted(codes) == [302, 400, 400, 400], codes
        assert _db.session.scalar(select(func.count()).select_from(Account)) == 1
