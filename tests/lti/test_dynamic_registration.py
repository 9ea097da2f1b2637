"""Dynamic Registration: the LMS opens our URL, we register, an admin approves."""

from sqlalchemy import select

from lms.lti.models import Platform
from tests.lti.conftest import launch


def test_dynamic_registration_waits_for_the_admin(app, client, db, platform, login, admin):
    response = client.get("/lti/registro", query_string={
        "openid_configuration": platform.base + "/.well-known/openid-configuration",
        "registration_token": "reg-tok-1"})
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
    login(admin)
    assert client.post(f"/admin/lti/{registered.id}/aprobar").status_code == 302
    assert registered.approved
    fresh = app.test_client()
    assert launch(fresh, platform, "profe").status_code == 302


def test_a_bad_configuration_url_writes_nothing(client, db):
    response = client.get("/lti/registro", query_string={
        "openid_configuration": "http://ejemplo.org/config", "registration_token": "x"})
    assert response.status_code == 400
    assert "debe ser una URL https" in response.get_data(as_text=True)
    assert db.session.scalar(select(Platform)) is None
