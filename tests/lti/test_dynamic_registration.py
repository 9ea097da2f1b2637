"""Dynamic Registration: the LMS opens our URL, we register, an admin approves; only with a
one-time registration link an admin created."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from lms.lti.models import Platform, RegistrationToken
from lms.timeutil import utcnow
from tests.lti.conftest import launch


def _new_link(client) -> str:
    """The admin creates a registration link on /admin/lti; its one-time token."""
    page = client.post("/admin/lti/enlace-registro")
    body = page.get_data(as_text=True)
    assert page.status_code == 200, body
    return re.search(r'id="registration-url">[^<]*invite=([\w-]+)<', body).group(1)


def _register(client, platform, **params):
    return client.get("/lti/registro", query_string={
        "openid_configuration": platform.base + "/.well-known/openid-configuration",
        "registration_token": "reg-tok-1", **params})


def test_dynamic_registration_waits_for_the_admin(app, client, db, platform, login, admin):
    login(admin)
    invite = _new_link(client)
    stored = db.session.scalar(select(RegistrationToken))
    assert stored.token_hash != invite and invite not in stored.token_hash
    response = _register(app.test_client(), platform, invite=invite)
    body = response.get_data(as_text=True)
    assert response.status_code == 200, body
    assert "pendiente de aprobación" in body
    sent = platform.registrations[-1]
    assert sent["initiate_login_uri"] == "http://localhost/lti/login"
    assert sent["jwks_uri"] == "http://localhost/lti/jwks"
    assert platform.registration_auth == "Bearer reg-tok-1"
    registered = db.session.scalar(select(Platform))
    assert (registered.issuer, registered.client_id, registered.approved) == (
        platform.issuer, platform.client_id, False)
    # No launch while pending.
    refused = client.get("/lti/login", query_string=platform.login_params())
    assert refused.status_code == 400
    login(admin)  # the refused login cleared this browser's session
    assert client.post(f"/admin/lti/{registered.id}/aprobar").status_code == 302
    assert registered.approved
    fresh = app.test_client()
    assert launch(fresh, platform, "profe").status_code == 302


@pytest.mark.parametrize("case", ["none", "unknown", "used", "expired"])
def test_registration_without_a_valid_link_fetches_nothing(app, client, db, platform, login,
                                                           admin, case):
    login(admin)
    invite = _new_link(client)
    if case == "used":
        assert _register(app.test_client(), platform, invite=invite).status_code == 200
        db.session.execute(update(Platform).values(client_id="otro"))  # not a duplicate
    if case == "expired":
        db.session.execute(update(RegistrationToken).values(
            expires_at=utcnow() - timedelta(minutes=1)))
    fetched = platform.config_fetches
    params = {} if case == "none" else {"invite": "no-existe" if case == "unknown" else invite}
    response = _register(app.test_client(), platform, **params)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "enlace de registro" in body and "administrador" in body
    assert platform.config_fetches == fetched
    assert db.session.scalar(select(Platform).where(Platform.client_id == platform.client_id)) \
        is None


def test_a_bad_configuration_url_writes_nothing_and_keeps_the_link(app, client, db, platform,
                                                                   login, admin):
    login(admin)
    invite = _new_link(client)
    response = app.test_client().get("/lti/registro", query_string={
        "openid_configuration": "http://ejemplo.org/config", "registration_token": "x",
        "invite": invite})
    assert response.status_code == 400
    assert "debe ser una URL https" in response.get_data(as_text=True)
    assert db.session.scalar(select(Platform)) is None
    # The refused attempt did not spend the link.
    assert _register(app.test_client(), platform, invite=invite).status_code == 200
