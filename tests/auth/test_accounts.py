"""Staff accounts (issue 9 part 21): the safest role by default, passwords that resist
guessing, and login attempts limited per account as well as per client."""

import re

import pytest
from sqlalchemy import select

from lms.auth.models import User
from tests.factories import PASSWORD


def test_new_user_form_defaults_to_trainer(client, login, admin):
    login(admin)
    page = client.get("/usuarios/nuevo").get_data(as_text=True)
    selected = re.findall(r'<option([^>]*)selected([^>]*)>', page)
    assert len(selected) == 1
    assert 'value="trainer"' in "".join(selected[0])


def _new_user(client, password):
    return client.post(
        "/usuarios/nuevo",
        data={"email": "nuevo@example.org", "name": "Nuevo", "role": "trainer",
              "active": "y", "password": password},
    )


@pytest.mark.parametrize(
    "password,message",
    [
        ("aaaaaaaaaa", "12 caracteres"),
        ("clave-corta", "12 caracteres"),
        ("aaaaaaaaaaaaaaaa", "común"),
        ("qwerty123456", "común"),
        ("Password1234", "común"),
        ("colombia2024!", "común"),
        ("123456789012", "común"),
    ],
)
def test_weak_passwords_are_refused_with_the_input_kept(client, login, admin, db, password,
                                                        message):
    login(admin)
    response = _new_user(client, password)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    assert 'value="Nuevo"' in page
    assert db.session.scalar(select(User).where(User.email == "nuevo@example.org")) is None


def test_a_long_uncommon_password_is_accepted(client, login, admin, db):
    login(admin)
    assert _new_user(client, "mango-tinto-bicicleta-7").status_code == 302
    assert db.session.scalar(select(User).where(User.email == "nuevo@example.org"))


def test_password_change_and_cli_apply_the_same_rule(client, login, admin, trainer, runner):
    login(admin)
    page = client.post(
        f"/usuarios/{trainer.id}",
        data={"email": trainer.email, "name": trainer.name, "role": "trainer", "active": "y",
              "password": "qwerty123456"},
    ).get_data(as_text=True)
    assert "común" in page
    result = runner.invoke(args=["lms", "create-admin", "jefa@example.org",
                                 "--password", "password1234"])
    assert result.exit_code != 0 and "común" in result.output


def test_login_is_limited_per_account_across_clients(tmp_path):
    from lms.auth.services import create_user
    from lms.extensions import db as _db
    from tests.certificates.conftest import standalone_app

    with standalone_app(tmp_path, RATELIMIT_ENABLED=True) as app:
        with app.app_context():
            create_user("objetivo@example.org", "Objetivo", "trainer", PASSWORD)
            create_user("otra@example.org", "Otra", "trainer", PASSWORD)
            _db.session.commit()
        client = app.test_client()

        def attempt(email, password, address):
            return client.post("/login", data={"email": email, "password": password},
                               environ_base={"REMOTE_ADDR": address}).status_code

        # Guesses from many addresses, each far below the per-client limit.
        codes = [attempt("objetivo@example.org", f"intento-{i}", f"10.0.0.{i}")
                 for i in range(12)]
        assert codes[0] == 200 and codes[-1] == 429
        # The right password no longer gets in for a while, from anywhere...
        assert attempt("Objetivo@Example.org", PASSWORD, "10.9.9.9") == 429
        # ...while another account logs in from the same addresses.
        assert attempt("otra@example.org", PASSWORD, "10.0.0.1") == 302


def test_create_user_command_for_each_role(runner, db):
    from werkzeug.security import check_password_hash

    from lms.auth.models import User

    for spanish, role in (("formador", "trainer"), ("analista", "analyst"), ("admin", "admin")):
        email = f"{spanish}@example.org"
        result = runner.invoke(args=["lms", "create-user", email, "--role", spanish])
        assert result.exit_code == 0, result.output
        password = result.output.strip().splitlines()[-1].split(": ", 1)[1]
        user = db.session.query(User).filter_by(email=email).one()
        assert user.role == role and user.active
        assert check_password_hash(user.password_hash, password)
    given = runner.invoke(args=["lms", "create-user", "otra@example.org", "--role", "analista",
                                "--name", "Otra Analista", "--password", "clave-segura-1234"])
    assert given.exit_code == 0 and "contraseña" not in given.output.lower()
    twice = runner.invoke(args=["lms", "create-user", "formador@example.org", "--role", "admin"])
    assert twice.exit_code == 1 and "correo" in twice.output
    wrong = runner.invoke(args=["lms", "create-user", "x@example.org", "--role", "trainer"])
    assert wrong.exit_code == 2 and "formador" in wrong.output
    weak = runner.invoke(args=["lms", "create-user", "y@example.org", "--role", "formador",
                               "--password", "123"])
    assert weak.exit_code == 1
    assert not db.session.query(User).filter_by(email="y@example.org").count()
