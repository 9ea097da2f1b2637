"""Registering a platform: the admin page and `lms lti-add-platform`."""

from sqlalchemy import func, select

from lms.lti.models import Deployment, Platform

ARGS = ["lms", "lti-add-platform", "--issuer", "https://moodle.ejemplo.edu.co",
        "--client-id", "abc123", "--deployment-id", "1", "--deployment-id", "2",
        "--auth-login-url", "https://moodle.ejemplo.edu.co/mod/lti/auth.php",
        "--token-url", "https://moodle.ejemplo.edu.co/mod/lti/token.php",
        "--jwks-url", "https://moodle.ejemplo.edu.co/mod/lti/certs.php"]


def test_cli_prints_the_new_id_on_its_last_line(runner, db):
    result = runner.invoke(args=ARGS)
    assert result.exit_code == 0, result.output
    platform = db.session.scalar(select(Platform))
    assert result.output.strip().splitlines()[-1] == str(platform.id)
    assert [d.deployment_id for d in platform.deployments] == ["1", "2"]


def test_cli_refuses_a_duplicate_issuer_and_client_id(runner, db):
    assert runner.invoke(args=ARGS).exit_code == 0
    result = runner.invoke(args=ARGS)
    assert result.exit_code == 1
    assert "Ya existe una plataforma" in result.output
    assert db.session.scalar(select(func.count()).select_from(Platform)) == 1


def test_cli_refuses_a_plain_http_url(runner, db):
    args = [a.replace("https://moodle.ejemplo.edu.co/mod/lti/token.php",
                      "http://moodle.ejemplo.edu.co/token") for a in ARGS]
    result = runner.invoke(args=args)
    assert result.exit_code == 1 and "URL de tokens" in result.output
    assert db.session.scalar(select(func.count()).select_from(Platform)) == 0


def _form(**changes):
    data = {"issuer": "https://canvas.instructure.com", "client_id": "10000000000001",
            "deployment_ids": "7:abc\n8:def", "auth_login_url":
            "https://sso.canvaslms.com/api/lti/authorize_redirect",
            "token_url": "https://sso.canvaslms.com/login/oauth2/token",
            "jwks_url": "https://sso.canvaslms.com/api/lti/security/jwks", "name": "Canvas"}
    return {**data, **changes}


def test_admin_registers_a_platform(client, login, admin, db):
    login(admin)
    response = client.post("/admin/lti/nueva", data=_form())
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Deployment)) == 2
    listing = client.get("/admin/lti").get_data(as_text=True)
    assert "10000000000001" in listing and "7:abc" in listing


def test_admin_form_keeps_the_input_and_names_the_field(client, login, admin, db):
    login(admin)
    response = client.post("/admin/lti/nueva", data=_form(jwks_url="no-es-url"))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "JWKS URL" in body and "debe ser una URL https" in body
    assert 'value="10000000000001"' in body
    assert db.session.scalar(select(func.count()).select_from(Platform)) == 0


def test_local_http_urls_only_when_allowed(app, runner, db, monkeypatch):
    local = [a.replace("https://moodle.ejemplo.edu.co", "http://127.0.0.1:8081") for a in ARGS]
    monkeypatch.setitem(app.config, "LTI_ALLOW_LOCAL_HTTP", False)
    assert runner.invoke(args=local).exit_code == 1
    monkeypatch.setitem(app.config, "LTI_ALLOW_LOCAL_HTTP", True)
    assert runner.invoke(args=local).exit_code == 0
