import hashlib

from sqlalchemy import select

from lms.auth.models import ApiToken, User
from tests.factories import PROBLEM_KEYS


def test_cli_create_token_prints_token_on_last_line(runner, admin, db):
    result = runner.invoke(args=["lms", "create-token", admin.email])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    stored = db.session.scalar(select(ApiToken).where(ApiToken.user_id == admin.id))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.token_hash


def test_cli_create_token_unknown_user_fails_in_spanish(runner):
    result = runner.invoke(args=["lms", "create-token", "nadie@example.org"])
    assert result.exit_code != 0 and "No existe un usuario activo" in result.output


def test_token_authenticates_api_and_revocation_stops_it(client, runner, admin, login, db):
    token = runner.invoke(args=["lms", "create-token", admin.email]).output.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    login(admin)
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == admin.id))
    assert client.post(f"/tokens/{row.id}/revocar").status_code == 302
    denied = client.get("/api/v1/me", headers=headers)
    assert denied.status_code == 401
    assert denied.get_json()["code"] == "unauthorized"


def test_api_ignores_session_cookies(client, login, admin):
    login(admin)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert set(response.get_json()) == PROBLEM_KEYS


def test_admin_creates_token_in_ui_and_sees_it_once(client, login, admin, db):
    login(admin)
    page = client.post("/tokens", data={"user_id": admin.id, "name": "Moodle"}).get_data(
        as_text=True
    )
    assert "no se volverá a mostrar" in page
    assert "Moodle" in client.get("/tokens").get_data(as_text=True)
    assert "no se volverá a mostrar" not in client.get("/tokens").get_data(as_text=True)


def test_create_admin_command(runner, db):
    result = runner.invoke(
        args=["lms", "create-admin", "jefe@example.org", "--password", "clave-segura-1234"]
    )
    assert result.exit_code == 0, result.output
    short = runner.invoke(args=["lms", "create-admin", "b@example.org", "--password", "x"])
    assert short.exit_code != 0 and "12 caracteres" in short.output


def test_ensure_admin_generates_password_once(runner, db, monkeypatch):
    monkeypatch.delenv("LMS_ADMIN_PASSWORD", raising=False)
    monkeypatch.setenv("LMS_ADMIN_EMAIL", "admin@localhost")
    first = runner.invoke(args=["lms", "ensure-admin"])
    assert "Contraseña generada" in first.output
    second = runner.invoke(args=["lms", "ensure-admin"])
    assert "Contraseña generada" not in second.output
    assert "Administrador existente" in second.output


def test_ensure_admin_restores_a_demoted_admin(runner, db, monkeypatch):
    monkeypatch.delenv("LMS_ADMIN_PASSWORD", raising=False)
    monkeypatch.setenv("LMS_ADMIN_EMAIL", "admin@localhost")
    runner.invoke(args=["lms", "ensure-admin"])
    user = db.session.scalar(select(User).where(User.email == "admin@localhost"))
    kept = user.password_hash
    user.role, user.active = "analyst", False
    db.session.commit()
    result = runner.invoke(args=["lms", "ensure-admin"])
    assert result.exit_code == 0 and "Administrador listo" in result.output
    db.session.refresh(user)
    assert (user.role, user.active, user.password_hash) == ("admin", True, kept)
