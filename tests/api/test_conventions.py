"""The API's HTTP conventions: problem details, Allow, bounds, Z, cursors, ETag, If-Match,
Idempotency-Key."""

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from lms.auth.services import create_token
from lms.courses.models import Site
from lms.extensions import db as _db
from tests import factories
from tests.conftest import at_once
from tests.factories import PROBLEM_KEYS

SITE = {"code": "cac-9", "name": "CAC Nueve", "kind": "pvd", "zone": "rural"}


def _sites(db) -> int:
    return db.session.scalar(select(func.count(Site.id)))


def test_errors_are_problem_details_with_fields_in_spanish(client, admin, bearer):
    response = client.post("/api/v1/sites", json={"code": ""}, headers=bearer(admin))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert set(body) == PROBLEM_KEYS and body["status"] == 422
    assert body["type"].endswith("/invalid") and "name" in body["fields"]
    assert body["detail"] in {m for ms in body["fields"].values() for m in ms}


def test_method_not_allowed_names_the_allowed_methods(client, admin, bearer):
    response = client.put("/api/v1/sites", json={}, headers=bearer(admin))
    assert response.status_code == 405
    assert {"GET", "POST"} <= {m.strip() for m in response.headers["Allow"].split(",")}
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("url", ["/api/v1/sites/2147483648", "/api/v1/sites/99999999999999999999"])
def test_ids_beyond_the_database_range_are_404(client, admin, bearer, url):
    assert client.get(url, headers=bearer(admin)).status_code == 404


@pytest.mark.parametrize("query", ["cohort_id=2147483648", "person_id=-1", "cohort_id=uno",
                                   "limit=0", "limit=201", "cursor=no-es-un-cursor"])
def test_query_integers_out_of_range_are_422_naming_the_parameter(client, admin, bearer, query):
    response = client.get(f"/api/v1/enrollments?{query}", headers=bearer(admin))
    assert response.status_code == 422
    assert query.split("=")[0] in response.get_json()["fields"]


def test_body_integers_out_of_range_are_422(client, admin, bearer, db):
    body = {"code": "G-1", "course_id": 2**31, "site_id": 1, "start_date": "2026-01-01",
            "end_date": "2026-02-01", "capacity": 10**12}
    response = client.post("/api/v1/cohorts", json=body, headers=bearer(admin))
    assert response.status_code == 422
    assert {"course_id", "capacity"} <= set(response.get_json()["fields"])


def test_cursor_pages_walk_the_list_with_next_and_link(client, admin, bearer, db):
    for n in range(5):
        factories.site(code=f"S-{n}")
    headers = bearer(admin)
    seen, url = [], "/api/v1/sites?limit=2"
    while url:
        response = client.get(url, headers=headers)
        assert response.status_code == 200
        body = response.get_json()
        assert body["limit"] == 2 and body["total"] == 5
        seen += [s["code"] for s in body["items"]]
        if body["next"]:
            assert response.headers["Link"] == f'<{body["next"]}>; rel="next"'
        else:
            assert "Link" not in response.headers
        url = body["next"] and urlsplit(body["next"])._replace(scheme="", netloc="").geturl()
    assert seen == sorted(f"S-{n}" for n in range(5))


def test_etag_and_if_none_match(client, admin, bearer, db):
    site = factories.site()
    headers = bearer(admin)
    first = client.get(f"/api/v1/sites/{site.id}", headers=headers)
    etag = first.headers["ETag"]
    again = client.get(f"/api/v1/sites/{site.id}", headers=headers | {"If-None-Match": etag})
    assert again.status_code == 304 and not again.get_data()
    client.patch(f"/api/v1/sites/{site.id}", json={"name": "Otra"}, headers=headers)
    changed = client.get(f"/api/v1/sites/{site.id}", headers=headers | {"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_if_match_refuses_a_stale_version(client, admin, bearer, db):
    site = factories.site(name="Primera")
    headers = bearer(admin)
    url = f"/api/v1/sites/{site.id}"
    etag = client.get(url, headers=headers).headers["ETag"]
    ok = client.patch(url, json={"name": "Segunda"}, headers=headers | {"If-Match": etag})
    assert ok.status_code == 200
    stale = client.patch(url, json={"name": "Tercera"}, headers=headers | {"If-Match": etag})
    assert stale.status_code == 412 and "If-Match" in stale.get_json()["fields"]
    gone = client.delete(url, headers=headers | {"If-Match": etag})
    assert gone.status_code == 412
    assert client.get(url, headers=headers).get_json()["name"] == "Segunda"


def test_idempotency_key_replays_and_refuses_another_body(client, admin, bearer, db):
    headers = bearer(admin) | {"Idempotency-Key": "alta-cac-9"}
    first = client.post("/api/v1/sites", json=SITE, headers=headers)
    assert first.status_code == 201
    replay = client.post("/api/v1/sites", json=SITE, headers=headers)
    assert replay.status_code == 201 and replay.get_json() == first.get_json()
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert _sites(db) == 1
    other = client.post("/api/v1/sites", json=SITE | {"name": "Otro"}, headers=headers)
    assert other.status_code == 422 and "Idempotency-Key" in other.get_json()["fields"]
    assert _sites(db) == 1


def test_a_failed_request_does_not_spend_its_key(client, admin, bearer, db):
    headers = bearer(admin) | {"Idempotency-Key": "k-1"}
    refused = client.post("/api/v1/sites", json=SITE | {"zone": "lunar"}, headers=headers)
    assert refused.status_code == 422
    assert "zone" in refused.get_json()["fields"] and _sites(db) == 0
    # Only a success is stored: the corrected request may reuse the key.
    fixed = client.post("/api/v1/sites", json=SITE, headers=headers)
    assert fixed.status_code == 201 and _sites(db) == 1


def test_keys_belong_to_their_user(client, admin, bearer, db):
    other = factories.user(role="admin")
    key = {"Idempotency-Key": "mismo"}
    assert client.post("/api/v1/sites", json=SITE, headers=bearer(admin) | key).status_code == 201
    clash = client.post("/api/v1/sites", json=SITE | {"code": "cac-10"},
                        headers=bearer(other) | key)
    assert clash.status_code == 201 and _sites(db) == 2


@pytest.mark.postgres
def test_eight_simultaneous_posts_with_one_key_create_one_site(committed):
    app = committed
    with app.app_context():
        admin = factories.user(role="admin")
        token = create_token(admin, "carrera")
        _db.session.commit()
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "carrera-1"}
    responses = at_once(app, lambda c: c.post("/api/v1/sites", json=SITE, headers=headers), 8)
    codes = sorted(r.status_code for r in responses)
    assert codes.count(201) >= 1 and all(c in (201, 409) for c in codes), codes
    with app.app_context():
        assert _db.session.scalar(select(func.count(Site.id))) == 1
