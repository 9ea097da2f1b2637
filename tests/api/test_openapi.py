import re

from tests.factories import PROBLEM_KEYS


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
            assert op["responses"]["default"]["content"]["application/problem+json"][
                "schema"] == {"$ref": "#/components/schemas/Problem"}


def test_request_bodies_come_from_the_forms(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    body = doc["paths"]["/api/v1/sites"]["post"]["requestBody"]["content"]["application/json"]
    schema = body["schema"]
    assert {"code", "name", "kind", "zone"} <= set(schema["required"])
    assert "rural" in schema["properties"]["zone"]["enum"]


def test_json_error_shape_for_unknown_api_path(client):
    response = client.get("/api/v1/no-existe")
    assert response.status_code == 404
    assert set(response.get_json()) == PROBLEM_KEYS


def test_the_document_is_valid_openapi_3_1(client):
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation import OpenAPIV31SpecValidator

    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    validate(doc, cls=OpenAPIV31SpecValidator)


def test_conventions_are_documented_on_every_operation(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            names = {p["name"] for p in op.get("parameters", [])}
            if method == "get":
                assert "If-None-Match" in names and "304" in op["responses"], path
            if method in ("patch", "put", "delete"):
                assert "If-Match" in names and "412" in op["responses"], path
            if method == "post":
                assert "Idempotency-Key" in names and "422" in op["responses"], path
            if method == "patch" and "requestBody" in op:
                schema = op["requestBody"]["content"]["application/json"]["schema"]
                assert "required" not in schema, path


def test_ids_pdfs_and_empty_responses_are_declared_as_they_are(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    body = doc["paths"]["/api/v1/cohorts"]["post"]["requestBody"]["content"]
    course = body["application/json"]["schema"]["properties"]["course_id"]
    assert course["type"] == "integer" and "enum" not in course
    assert course["maximum"] == 2**31 - 1
    pdf = doc["paths"]["/api/v1/certificates/{code}/pdf"]["get"]["responses"]["200"]
    assert list(pdf["content"]) == ["application/pdf"]
    deleted = doc["paths"]["/api/v1/sites/{site_id}"]["delete"]["responses"]["204"]
    assert "content" not in deleted
    listing = doc["paths"]["/api/v1/enrollments"]["get"]
    assert {"cohort_id", "person_id", "limit", "cursor"} <= {
        p["name"] for p in listing["parameters"]}


def _media(doc):
    """(where, media entry) of every JSON request body and JSON response."""
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            for name, entry in op.get("requestBody", {}).get("content", {}).items():
                yield f"{method} {path} body {name}", entry
            for status, response in op["responses"].items():
                for name, entry in response.get("content", {}).items():
                    if name == "application/json":
                        yield f"{method} {path} {status}", entry


def test_every_body_and_response_has_an_example_valid_against_its_schema(client):
    from jsonschema import Draft202012Validator, FormatChecker

    doc = client.get("/api/v1/openapi.json").get_json()
    checked, wrong = 0, []
    for where, entry in _media(doc):
        schema = entry["schema"]
        if "$ref" in schema:
            continue  # the Problem component carries its own examples
        assert "example" in entry or "examples" in entry, where
        if "binary" in str(schema) or "multipart" in where:
            continue  # a file's bytes are not JSON
        errors = list(Draft202012Validator(schema, format_checker=FormatChecker())
                      .iter_errors(entry["example"]))
        if errors:
            wrong.append(f"{where}: {errors[0].message}")
        checked += 1
    assert checked > 50
    assert not wrong, "\n".join(wrong)
