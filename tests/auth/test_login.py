import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from lms.audit.models import AuditEntry
from lms.auth.models import User
from lms.auth.services import hash_password
from lms.config import Config
from tests.factories import PASSWORD


def test_login_page_renders_in_spanish(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Iniciar sesión" in page and 'lang="es-CO"' in page


def test_login_with_right_password_reaches_home(client, admin):
    response = client.post("/login", data={"email": admin.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert "Hola" in client.get("/").get_data(as_text=True)


def test_wrong_email_and_wrong_password_get_the_same_answer(client, admin):
    unknown = client.post("/login", data={"email": "nadie@example.org", "password": PASSWORD})
    wrong = client.post("/login", data={"email": admin.email, "password": "otra-clave-123"})
    assert unknown.status_code == wrong.status_code == 200
    for response in (unknown, wrong):
        assert "Correo o contraseña incorrectos." in response.get_data(as_text=True)
    assert 'value="nadie@example.org"' in unknown.get_data(as_text=True)


def test_inactive_user_cannot_log_in(client, db, admin):
    admin.active = False
    db.session.flush()
    response = client.post("/login", data={"email": admin.email, "password": PASSWORD})
    assert "Correo o contraseña incorrectos." in response.get_data(as_text=True)


def test_open_redirect_is_refused(client, admin):
    response = client.post(
        "/login?next=//evil.example", data={"email": admin.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_logout_requires_post(client, login, admin):
    login(admin)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/").status_code == 302


def test_passwords_are_hashed_with_scrypt(db, admin):
    assert admin.password_hash.startswith("scrypt:")


def test_outside_the_suite_passwords_get_scrypts_full_cost(app, monkeypatch):
    # The suite hashes at a lower cost (TestConfig); the shipped setting must not.
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", Config.PASSWORD_HASH_METHOD)
    with app.app_context():
        hashed = hash_password(PASSWORD)
    method, _salt, _digest = hashed.split("$")
    assert method == "scrypt:32768:8:1"  # N = 2**15, r = 8, p = 1: 32 MB of memory a hash
    assert check_password_hash(hashed, PASSWORD)


def test_admin_creates_user_and_it_is_audited(client, login, admin, db):
    login(admin)
    response = client.post(
        "/usuarios/nuevo",
        data={
            "email": "Formador@Example.org",
            "name": "Ana Formadora",
            "role": "trainer",
            "active": "y",
            "password": "una-clave-larga",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "formador@example.org"))
    assert user.role == "trainer" and user.password_hash.startswith("scrypt:")
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.entity == "users", AuditEntry.entity_id == user.id)
    )
    assert entry.actor_id == admin.id and entry.changes["role"] == [None, "trainer"]
    assert "password_hash" not in entry.changes


def test_user_form_errors_are_spanish_and_keep_input(client, login, admin, db):
    login(admin)
    before = db.session.query(User).count()
    response = client.post(
        "/usuarios/nuevo",
        data={
            "email": admin.email,
            "name": "Otro",
            "role": "analyst",
            "password": "una-clave-larga",
        },
    )
    page = response.get_data(as_text=True)
    assert "Ya existe un usuario con ese correo." in page and 'value="Otro"' in page
    short = client.post(
        "/usuarios/nuevo",
        data={"email": "x@example.org", "name": "X", "role": "analyst", "password": "corta"},
    ).get_data(as_text=True)
    assert "12 caracteres" in short
    assert db.session.query(User).count() == before


def test_error_pages_are_spanish(client, login, trainer):
    login(trainer)
    assert "No tiene permiso" in client.get("/usuarios").get_data(as_text=True)
    missing = client.get("/no-existe")
    assert missing.status_code == 404 and "no existe" in missing.get_data(as_text=True)


def test_make_runs_default_admin_can_log_in(client, runner, monkeypatch):
    # `make run` creates admin@localhost; a strict e-mail check would lock it out.
    monkeypatch.setenv("LMS_ADMIN_EMAIL", "admin@localhost")
    monkeypatch.setenv("LMS_ADMIN_PASSWORD", "clave-de-prueba-2026")
    assert runner.invoke(args=["lms", "ensure-admin"]).exit_code == 0
    response = client.post(
        "/login", data={"email": "admin@localhost", "password": "clave-de-prueba-2026"}
    )
    assert response.status_code == 302
    assert "Hola" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "target",
    [
        "/%09/evil.example/phish",
        "/%0a/evil.example",
        "/%5Cevil.example",
        "%2F%2Fevil.example",
        "https://evil.example/",
        "/%20/evil.example",
        "javascript:alert(1)",
    ],
)
def test_login_never_redirects_off_site(client, admin, target):
    response = client.post(
        f"/login?next={target}", data={"email": admin.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_keeps_a_same_origin_next(client, admin):
    response = client.post(
        "/login?next=/grupos%3Fpage%3D2", data={"email": admin.email, "password": PASSWORD}
    )
    assert response.headers["Location"] == "/grupos?page=2"
