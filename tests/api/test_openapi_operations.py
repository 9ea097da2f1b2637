"""The spec describes the operations issue 12 part 1 added as they behave: multipart uploads
a client can build, binary downloads with their media types, 202s with Location, examples."""

from tests.api.test_openapi import _api_rules

UPLOADS = {"/api/v1/sites/import": {"file", "dry_run"},
           "/api/v1/planillas/import": {"file", "dry_run", "create_new"}}
DOWNLOADS = {
    "/api/v1/indicators/export.csv": {"text/csv"},
    "/api/v1/indicators/dictionary.csv": {"text/csv"},
    "/api/v1/open-data.csv": {"text/csv"},
    "/api/v1/open-data/dictionary.csv": {"text/csv"},
    "/api/v1/indicators/export.xlsx": {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    "/api/v1/certificate-jobs/{job_id}/files/{kind}": {"application/zip", "application/pdf"},
}
WITH_EXAMPLES = ("/sites/import", "/planillas/import", "/import-jobs/", "/certificate-jobs",
                 "/certificates/search", "/corrections", "/{code}/people", "/monthly",
                 "/checkin-", "/completion-conflicts", "/open-data", "dictionary.csv",
                 "export.csv")


def _doc(client):
    return client.get("/api/v1/openapi.json").get_json()


def test_uploads_are_multipart_with_a_binary_file(client):
    paths = _doc(client)["paths"]
    for path, fields in UPLOADS.items():
        body = paths[path]["post"]["requestBody"]["content"]
        assert list(body) == ["multipart/form-data"]
        schema = body["multipart/form-data"]["schema"]
        assert set(schema["properties"]) == fields and schema["required"] == ["file"]
        assert schema["properties"]["file"]["format"] == "binary"
        assert {"type", "title", "status", "detail", "errors", "error_count"} <= set(
            _doc(client)["components"]["schemas"]["Problem"]["properties"])
    assert "202" in paths["/api/v1/planillas/import"]["post"]["responses"]
    assert "Location" in paths["/api/v1/planillas/import"]["post"]["responses"]["202"]["headers"]


def test_downloads_declare_their_media_types(client):
    paths = _doc(client)["paths"]
    for path, medias in DOWNLOADS.items():
        content = paths[path]["get"]["responses"]["200"]["content"]
        assert set(content) == medias, path
        assert all(c["schema"]["contentMediaType"] in medias for c in content.values())


def test_new_operations_have_an_example(app, client):
    paths = _doc(client)["paths"]
    missing = []
    for path, ops in paths.items():
        if not any(part in path for part in WITH_EXAMPLES) or path.endswith((".xlsx", "{kind}")):
            continue
        for method, op in ops.items():
            ok = [r for r in op["responses"].values()
                  if any("example" in c for c in r.get("content", {}).values())]
            if not ok:
                missing.append(f"{method} {path}")
    assert not missing, missing
    assert {r.endpoint for r in _api_rules(app)} >= {
        "api.sites_import", "api.planillas_import", "api.certificate_jobs_create",
        "api.certificates_search", "api.indicator_people", "api.checkin_requests_resolve"}
