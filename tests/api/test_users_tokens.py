"""Issue 12 part 1: staff accounts and API tokens over the API, with the admin pages' rules
(password policy, one account per e-mail, deactivation revokes tokens for good)."""

import hashlib

from sqlalchemy import func, select

from lms.auth.models import ApiToken, User
from tests import factories
from tests.factories import PROBLEM_KEYS

GOOD = "faro naranja del puente 27"


def _users(db) -> int:
    return db.session.scalar(select(func.count(User.id)))


def _problem(response, status: int, field: str) -> str:
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert set(body) == PROBLEM_KEYS and body["detail"] in body["fields"][field]
    return body["detail"]


def test_accounts_follow_the_password_rule_and_one_email(client, admin, bearer, db):
    headers = bearer(admin)
    new = {"email": "Laura@Example.org", "name": "Laura Díaz", "role": "trainer"}
    before = _users(db)
    assert "contraseña" in _problem(client.post("/api/v1/users", json=new, headers=headers),
                                    422, "password")
    weak = client.post("/api/v1/users", json={**new, "password": "colombia2024!"},
                       headers=headers)
    assert "común" in _problem(weak, 422, "password")
    _problem(client.post("/api/v1/users", json={**new, "password": GOOD, "role": "jefe"},
                         headers=headers), 422, "role")
    assert _users(db) == before
    created = client.post("/api/v1/users", json={**new, "password": GOOD}, headers=headers)
    assert created.status_code == 201, created.get_json()
    user = created.get_json()
    assert user["email"] == "laura@example.org" and user["active"] is True
    assert "password" not in user and "password_hash" not in user
    assert created.headers["Location"].endswith(f"/api/v1/users/{user['id']}")
    stored = db.session.get(User, user["id"])
    assert GOOD not in stored.password_hash and stored.password_hash.startswith("scrypt")
    again = client.post("/api/v1/users", json={**new, "password": GOOD}, headers=headers)
    assert "Ya existe" in _problem(again, 422, "email")
    trainers = client.get("/api/v1/users?role=trainer&active=true", headers=headers).get_json()
    assert [u["id"] for u in trainers["items"]] == [user["id"]]


def test_patch_changes_role_keeps_email_and_checks_if_match(client, admin, bearer, db):
    headers = bearer(admin)
    target = factories.user("trainer")
    url = f"/api/v1/users/{target.id}"
    etag = client.get(url, headers=headers).headers["ETag"]
    changed = client.patch(url, json={"role": "analyst", "email": "otro@example.org"},
                           headers={**headers, "If-Match": etag})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["role"] == "analyst"
    assert changed.get_json()["email"] == target.email
    stale = client.patch(url, json={"role": "admin"}, headers={**headers, "If-Match": etag})
    assert stale.status_code == 412
    _problem(client.patch(url, json={"password": "corta"}, headers=headers), 422, "password")
    db.session.expire_all()
    assert db.session.get(User, target.id).role == "analyst"


def test_tokens_are_shown_once_stored_hashed_and_die_with_deactivation(client, admin, bearer,
                                                                      db):
    headers = bearer(admin)
    target = factories.user("trainer")
    created = client.post("/api/v1/tokens", json={"user_id": target.id, "name": "Moodle"},
                          headers=headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    token = body.pop("token")
    row = db.session.get(ApiToken, body["id"])
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token.startswith(row.prefix) and token not in str(row.__dict__)
    shown = client.get(f"/api/v1/tokens/{body['id']}", headers=headers).get_json()
    assert "token" not in shown and shown["active"] is True
    listed = client.get(f"/api/v1/tokens?user_id={target.id}", headers=headers).get_json()
    assert [t["id"] for t in listed["items"]] == [body["id"]]
    theirs = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me", headers=theirs).status_code == 200
    gone = client.delete(f"/api/v1/users/{target.id}", headers=headers)
    assert gone.status_code == 200 and gone.get_json()["active"] is False
    assert client.get("/api/v1/me", headers=theirs).status_code == 401
    refused = client.post("/api/v1/tokens", json={"user_id": target.id, "name": "Otro"},
                          headers=headers)
    assert "inactivo" in _problem(refused, 422, "user_id")
    back = client.patch(f"/api/v1/users/{target.id}", json={"active": True}, headers=headers)
    assert back.get_json()["active"] is True
    # Reactivating the account does not revive the token it had.
    assert client.get("/api/v1/me", headers=theirs).status_code == 401
    assert client.get(f"/api/v1/tokens/{body['id']}", headers=headers).get_json()["revoked_at"]
    _problem(client.post("/api/v1/tokens", json={"user_id": 2**31 - 1, "name": "X"},
                         headers=headers), 422, "user_id")


def test_revoking_a_token_stops_it(client, admin, bearer, db):
    headers = bearer(admin)
    target = factories.user("analyst")
    created = client.post("/api/v1/tokens", json={"user_id": target.id, "name": "Scripts"},
                          headers={**headers, "Idempotency-Key": "t-1"}).get_json()
    theirs = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/api/v1/me", headers=theirs).status_code == 200
    revoked = client.delete(f"/api/v1/tokens/{created['id']}", headers=headers)
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"].endswith("Z")
    assert client.get("/api/v1/me", headers=theirs).status_code == 401
    assert client.get("/api/v1/users", headers=theirs).status_code == 401
    own = bearer(factories.user("trainer"))
    for method, url in (("GET", "/api/v1/users"), ("POST", "/api/v1/tokens"),
                        ("GET", "/api/v1/tokens")):
        assert client.open(url, method=method, json={}, headers=own).status_code == 403


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(client, admin, bearer, db):
    headers = bearer(admin)
    url = f"/api/v1/users/{admin.id}"
    for change, field in (({"role": "trainer"}, "role"), ({"active": False}, "active")):
        refused = client.patch(url, json=change, headers=headers)
        assert "administrador activo" in _problem(refused, 422, field)
    assert "administrador activo" in _problem(client.delete(url, headers=headers), 422, "active")
    db.session.refresh(admin)
    assert admin.role == "admin" and admin.active
    factories.user("admin")
    assert client.patch(url, json={"role": "trainer"}, headers=headers).status_code == 200
