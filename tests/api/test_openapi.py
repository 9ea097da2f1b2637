import re


def _api_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")]


def test_every_api_route_is_documented(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    missing = []
    for rule in _api_rules(app):
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if method.lower() not in doc["paths"].get(path, {}):
                missing.append(f"{method} {path}")
    assert not missing, missing


def test_documented_operations_have_unique_ids_and_error_schema(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    ids = [op["operationId"] for ops in doc["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))
    for ops in doc["paths"].values():
        for op in ops.values():
            assert op["responses"]["default"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"
            }


def test_request_bodies_come_from_the_forms(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    body = doc["paths"]["/api/v1/sites"]["post"]["requestBody"]["content"]["application/json"]
    schema = body["schema"]
    assert {"code", "name", "kind", "zone"} <= set(schema["required"])
    assert "rural" in schema["properties"]["zone"]["enum"]


def test_json_error_shape_for_unknown_api_path(client):
    response = client.get("/api/v1/no-existe")
    assert response.status_code == 404
    assert set(response.get_json()["error"]) == {"code", "message", "fields"}
