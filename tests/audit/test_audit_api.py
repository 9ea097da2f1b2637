"""GET /api/v1/audit: the page's filters (one service), cursor pages, ETag, problem details,
admins only, and documented in the OpenAPI spec."""

from urllib.parse import urlsplit

import pytest

from lms.auth.services import create_token


def _get(client, user, url, **headers):
    auth = {"Authorization": f"Bearer {create_token(user, 'pruebas')}"}
    return client.get(url, headers=auth | headers)


def test_filters_match_the_page_and_values_come_as_stored(client, admin, trail):
    body = _get(client, admin, "/api/v1/audit?entity=sedes&since=2026-03-04&until=2026-03-04"
                ).get_json()
    assert body["total"] == 1
    [entry] = body["items"]
    assert entry["id"] == trail["site_update"]
    assert entry["at"] == "2026-03-05T03:30:00Z"
    assert (entry["action"], entry["action_label"]) == ("update", "Modificación")
    assert (entry["entity"], entry["entity_name"], entry["entity_label"]) == (
        "sites", "sedes", "Sede")
    assert entry["actor_id"] == admin.id and entry["actor_name"] == "Paula Andrea Rincón"
    assert {c["field"]: (c["label"], c["before"], c["after"]) for c in entry["changes"]} == {
        "name": ("Nombre", "Biblioteca Pública Julio Pérez", '=HYPERLINK("http://x.example")'),
        "active": ("Activo", True, False)}
    people = _get(client, admin, f"/api/v1/audit?entity=personas&entity_id={trail['person'].id}"
                  "&actor=sistema").get_json()
    assert [(e["entity"], e["action"]) for e in people["items"]] == [("people", "create")]


def test_cursor_pages_and_etag(client, admin, trail):
    seen, url = [], "/api/v1/audit?limit=2"
    total = None
    while url:
        response = _get(client, admin, url)
        body = response.get_json()
        total = body["total"]
        seen += [e["id"] for e in body["items"]]
        if body["next"]:
            assert response.headers["Link"] == f'<{body["next"]}>; rel="next"'
        url = body["next"] and urlsplit(body["next"])._replace(scheme="", netloc="").geturl()
    assert len(seen) == total > 2 and seen == sorted(seen, reverse=True)
    first = _get(client, admin, "/api/v1/audit?entity=sedes")
    again = _get(client, admin, "/api/v1/audit?entity=sedes", **{"If-None-Match":
                                                                  first.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(("query", "field"), [
    ("entity=planetas", "entity"), ("since=ayer", "since"), ("actor=x", "actor"),
    ("entity_id=2147483648", "entity_id"), ("since=2026-03-05&until=2026-03-01", "until"),
])
def test_bad_filters_are_problem_details_naming_the_parameter(client, admin, query, field):
    response = _get(client, admin, "/api/v1/audit?" + query)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert list(response.get_json()["fields"]) == [field]


def test_only_admins_read_the_trail(client, trainer, analyst):
    for user in (trainer, analyst):
        response = _get(client, user, "/api/v1/audit")
        assert response.status_code == 403
        assert response.mimetype == "application/problem+json"


def test_the_spec_documents_filters_schema_and_example(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/audit"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"entity", "actor", "since", "until", "entity_id", "limit", "cursor"} <= names
    ok = operation["responses"]["200"]["content"]["application/json"]
    assert ok["example"]["items"][0]["entity_name"] == "personas"
    item = ok["schema"]["properties"]["items"]["items"]
    assert {"actor_name", "action_label", "entity_label", "changes"} <= set(item["properties"])
    assert "422" in operation["responses"] and "403" in operation["responses"]
