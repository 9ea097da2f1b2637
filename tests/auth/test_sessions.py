"""Staff sessions end when they should (issue 9 part 3): a copied cookie dies at logout and
at a password change; sessions last 12 hours at most and 2 hours idle; reactivating a user
revives no API token; the CSRF secret changes at login."""

import re
import time

from sqlalchemy import select

from lms.auth.models import ApiToken
from tests.factories import PASSWORD

HOUR = 3600


def _log_in(client, user, password=PASSWORD):
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302
    return client.get_cookie("session").value


def _copy(app, cookie):
    """Another browser holding a copy of the session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    return thief


def _signed_in(client) -> bool:
    response = client.get("/")
    return response.status_code == 200 or "/login" not in response.headers.get("Location", "")


def test_copied_cookie_dies_at_logout(app, client, trainer):
    cookie = _log_in(client, trainer)
    thief = _copy(app, cookie)
    assert _signed_in(thief)
    assert client.post("/logout").status_code == 302
    assert not _signed_in(thief)
    assert thief.get("/grupos").status_code == 302


def test_password_change_ends_the_users_sessions(app, client, login, admin, trainer):
    cookie = _log_in(client, trainer)
    trainer_browser = _copy(app, cookie)
    assert _signed_in(trainer_browser)
    login(admin)
    response = client.post(
        f"/usuarios/{trainer.id}",
        data={"email": trainer.email, "name": trainer.name, "role": "trainer", "active": "y",
              "password": "mango-tinto-bicicleta-7"},
    )
    assert response.status_code == 302
    assert not _signed_in(trainer_browser)
    # The new password works.
    fresh = app.test_client()
    _log_in(fresh, trainer, "mango-tinto-bicicleta-7")
    assert _signed_in(fresh)


def test_editing_without_a_new_password_keeps_sessions(app, client, login, admin, trainer):
    browser = _copy(app, _log_in(client, trainer))
    login(admin)
    client.post(f"/usuarios/{trainer.id}",
                data={"email": trainer.email, "name": "Otro nombre", "role": "trainer",
                      "active": "y", "password": ""})
    assert _signed_in(browser)


def _age(client, login_ago: float, seen_ago: float) -> None:
    now = time.time()
    with client.session_transaction() as session:
        session["_login_at"] = int(now - login_ago)
        session["_seen_at"] = int(now - seen_ago)


def test_idle_sessions_end_after_two_hours(client, trainer):
    _log_in(client, trainer)
    _age(client, login_ago=1.5 * HOUR, seen_ago=1.9 * HOUR)
    assert _signed_in(client)  # and the request counts as activity
    _age(client, login_ago=3 * HOUR, seen_ago=2.1 * HOUR)
    assert not _signed_in(client)


def test_sessions_end_twelve_hours_after_login(client, trainer):
    _log_in(client, trainer)
    _age(client, login_ago=11.5 * HOUR, seen_ago=60)
    assert _signed_in(client)
    _age(client, login_ago=12.1 * HOUR, seen_ago=60)
    assert not _signed_in(client)


def test_activity_keeps_a_session_alive(client, trainer):
    _log_in(client, trainer)
    _age(client, login_ago=1.95 * HOUR, seen_ago=1.95 * HOUR)
    assert _signed_in(client)
    with client.session_transaction() as session:
        assert time.time() - session["_seen_at"] < 60


def test_reactivating_a_user_does_not_revive_tokens(client, login, admin, trainer, runner, db):
    token = runner.invoke(args=["lms", "create-token", trainer.email]).output.split()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    login(admin)
    form = {"email": trainer.email, "name": trainer.name, "role": "trainer", "password": ""}
    assert client.post(f"/usuarios/{trainer.id}", data=form).status_code == 302
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.post(f"/usuarios/{trainer.id}", data={**form, "active": "y"}).status_code == 302
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    stored = db.session.scalar(select(ApiToken).where(ApiToken.user_id == trainer.id))
    assert stored.revoked_at is not None


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_the_csrf_secret_changes_at_login(app, client, trainer, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    before = _csrf(client.get("/login").get_data(as_text=True))
    with client.session_transaction() as session:
        secret_before = session["csrf_token"]
    response = client.post("/login", data={"email": trainer.email, "password": PASSWORD,
                                           "csrf_token": before})
    assert response.status_code == 302
    after = _csrf(client.get("/grupos").get_data(as_text=True))
    with client.session_transaction() as session:
        assert session["csrf_token"] != secret_before
    # A token planted before the login (session fixation) no longer passes.
    refused = client.post("/logout", data={"csrf_token": before})
    assert refused.status_code == 400
    assert "El formulario venció o llegó sin su código de seguridad" in refused.text
    assert client.post("/logout", data={"csrf_token": after}).status_code == 302


def test_a_login_asks_for_no_remember_me_cookie(client, trainer):
    # The app drops Flask-Login's hook that writes and refreshes the remember-me cookie
    # (lms/__init__.py): that holds only while no login asks for one, which would leave
    # "_remember" in the session for the hook that is no longer there.
    response = client.post("/login", data={"email": trainer.email, "password": PASSWORD})
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert session.get("_user_id")  # signed in
        assert "_remember" not in session
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))
