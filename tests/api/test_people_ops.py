"""Issue 12 part 1, people side: consent, merge and unmerge, export and the POST search, over
HTTP with a bearer token, through the same services as the pages."""

import json
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select

from lms.audit.models import AuditEntry
from lms.courses.models import Enrollment
from lms.people.consent import current_notice
from lms.people.models import Consent, Person
from lms.timeutil import local_today
from tests import factories
from tests.factories import PROBLEM_KEYS
from tests.people.helpers import merge_pair


def _count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _problem(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert set(body) == PROBLEM_KEYS and body["status"] == status
    if field:
        assert body["detail"] in body["fields"][field]
    return body


def test_consent_is_recorded_with_channel_api_and_revoked(client, admin, bearer, db):
    person = factories.person(consent=False)
    headers = bearer(admin)
    version = current_notice().version
    url = f"/api/v1/people/{person.id}/consents"
    created = client.post(url, json={"consent": True, "notice_version": version},
                          headers=headers)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["channel"], body["notice_version"]) == ("api", version)
    assert body["recorded_by_id"] == admin.id and body["granted_at"].endswith("Z")
    listed = client.get(url, headers=headers).get_json()
    assert [c["id"] for c in listed["items"]] == [body["id"]]
    revoked = client.post(f"{url}/revoke", headers=headers)
    assert revoked.status_code == 200
    assert revoked.get_json()["revoked"] == 1
    assert revoked.get_json()["consents"][0]["revoked_at"].endswith("Z")
    assert client.post(f"{url}/revoke", headers=headers).get_json()["revoked"] == 0
    assert _count(db, Consent, Consent.person_id == person.id, Consent.revoked_at.is_(None)) == 0


def test_consent_refusals_write_nothing(client, admin, bearer, db):
    headers = bearer(admin)
    minor = factories.person(consent=False, document_type="TI",
                             birth_date=local_today() - timedelta(days=12 * 365))
    url = f"/api/v1/people/{minor.id}/consents"
    body = _problem(client.post(url, json={"consent": True}, headers=headers), 422,
                    "guardian_name")
    assert "acudiente" in body["detail"] and "guardian_document" in body["fields"]
    _problem(client.post(url, json={"consent": False}, headers=headers), 422, "consent")
    stale = client.post(url, json={"consent": True, "notice_version": "1999-01",
                                   "guardian_name": "Ana", "guardian_document": "CC 1"},
                        headers=headers)
    assert "aviso de privacidad cambió" in _problem(stale, 422, "consent")["detail"]
    assert _count(db, Consent, Consent.person_id == minor.id) == 0
    gone = factories.person(consent=False)
    assert client.delete(f"/api/v1/people/{gone.id}", headers=headers).status_code == 200
    refused = client.post(f"/api/v1/people/{gone.id}/consents", json={"consent": True},
                          headers=headers)
    assert "anonimizada" in _problem(refused, 409)["detail"]
    assert _count(db, Consent, Consent.person_id == gone.id) == 0


def test_trainers_read_consents_of_their_cohorts_only_and_never_record(client, bearer, db):
    own, other = factories.user("trainer"), factories.user("trainer")
    enrollment = factories.enrollment(factories.cohort(trainers=[own]))
    url = f"/api/v1/people/{enrollment.person_id}/consents"
    assert client.get(url, headers=bearer(own)).status_code == 200
    assert client.get(url, headers=bearer(other)).status_code == 403
    _problem(client.post(url, json={"consent": True}, headers=bearer(own)), 403)
    _problem(client.post(f"{url}/revoke", headers=bearer(own)), 403)


def test_merge_needs_the_kept_document_and_can_be_undone(client, admin, bearer, db):
    survivor, duplicate = merge_pair()
    enrollment = factories.enrollment(person_=duplicate)
    survivor_id, duplicate_id = survivor.id, duplicate.id
    headers = bearer(admin)
    base = f"/api/v1/people/{survivor_id}"
    rows = client.get(f"{base}/compare/{duplicate_id}", headers=headers).get_json()["rows"]
    crucial = {r["field"] for r in rows if r["crucial"]}
    assert {"document_type", "birth_date", "first_names"} <= crucial
    for typed in (None, "1090000002", "109000000"):
        refused = client.post(f"{base}/merges", headers=headers,
                              json={"duplicate_id": duplicate_id, "confirm_document": typed})
        assert "(CC)" in _problem(refused, 422, "confirm_document")["detail"]
    _problem(client.post(f"{base}/merges", json={"duplicate_id": 2**31 - 1,
                                                 "confirm_document": "1090000001"},
                         headers=headers), 422, "duplicate_id")
    assert db.session.get(Person, duplicate_id) is not None
    merged = client.post(f"{base}/merges", headers={**headers, "Idempotency-Key": "m-1"},
                         json={"duplicate_id": duplicate_id, "confirm_document": "1.090.000.001"})
    assert merged.status_code == 201, merged.get_json()
    body = merged.get_json()
    assert body["merge"]["merged_id"] == duplicate_id and body["merge"]["undoable"]
    assert body["merge"]["enrollments_moved"] == 1 and body["person"]["id"] == survivor_id
    assert merged.headers["Location"].endswith(f"{base}/merges")
    db.session.expire_all()
    assert db.session.get(Person, duplicate_id) is None
    assert db.session.get(Enrollment, enrollment.id).person_id == survivor_id
    replay = client.post(f"{base}/merges", headers={**headers, "Idempotency-Key": "m-1"},
                         json={"duplicate_id": duplicate_id, "confirm_document": "1.090.000.001"})
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    history = client.get(f"{base}/merges", headers=headers).get_json()["items"]
    entry_id = history[0]["id"]
    assert [h["action"] for h in history] == ["merge"] and history[0]["undo_until"].endswith("Z")
    undone = client.post(f"{base}/merges/{entry_id}/undo", headers=headers)
    assert undone.status_code == 200, undone.get_json()
    restored = undone.get_json()
    assert (restored["document_type"], restored["document_number"]) == ("TI", "1090000002")
    db.session.expire_all()
    assert db.session.get(Enrollment, enrollment.id).person_id == restored["id"]
    again = client.post(f"{base}/merges/{entry_id}/undo", headers=headers)
    assert "Solo se puede deshacer" in _problem(again, 409)["detail"]
    history = client.get(f"{base}/merges", headers=headers).get_json()["items"]
    assert [h["action"] for h in history] == ["unmerge", "merge"]
    assert not any(h["undoable"] for h in history)


def test_export_is_the_page_download_and_is_audited(client, login, admin, bearer, db):
    person = factories.person(first_names="Lucía")
    factories.enrollment(person_=person)
    api = client.get(f"/api/v1/people/{person.id}/export", headers=bearer(admin))
    assert api.status_code == 200 and api.mimetype == "application/json"
    assert api.headers["ETag"]
    login(admin)
    page = client.get(f"/personas/{person.id}/exportar.json")
    assert page.status_code == 200
    from_api, from_page = api.get_json(), json.loads(page.get_data(as_text=True))
    assert from_api.pop("exported_at").endswith("Z")
    from_page.pop("exported_at")
    assert from_api == from_page
    assert from_api["person"]["first_names"] == "Lucía" and len(from_api["enrollments"]) == 1
    exports = select(AuditEntry).where(AuditEntry.action == "export",
                                       AuditEntry.entity_id == person.id)
    assert len(db.session.scalars(exports).all()) == 2


def test_search_travels_in_the_body_never_in_the_url(client, admin, bearer, db):
    headers = bearer(admin)
    people = [factories.person(document_number=f"88877{n}", last_names=f"Zapata{n}")
              for n in range(3)]
    factories.person(document_number="99911", document_type="CE", zone="rural")
    found = client.post("/api/v1/people/search?limit=2", json={"q": "888.77"}, headers=headers)
    assert found.status_code == 200
    body = found.get_json()
    assert body["total"] == 3 and len(body["items"]) == 2
    assert found.headers["Link"] == f'<{body["next"]}>; rel="next"'
    following = urlsplit(body["next"])
    rest = client.post(f"{following.path}?{following.query}", json={"q": "888.77"},
                       headers=headers).get_json()
    ids = [p["id"] for p in body["items"] + rest["items"]]
    assert sorted(ids) == sorted(p.id for p in people) and rest["next"] is None
    assert "888" not in body["next"]
    refused = client.get("/api/v1/people?q=88877", headers=headers)
    assert "POST /api/v1/people/search" in _problem(refused, 422, "q")["detail"]
    listed = client.get("/api/v1/people?document_type=CE&zone=rural", headers=headers)
    assert [p["document_number"] for p in listed.get_json()["items"]] == ["99911"]
    _problem(client.get("/api/v1/people?zone=lunar", headers=headers), 422, "zone")
    _problem(client.post("/api/v1/people/search", json={"q": "x" * 121}, headers=headers),
             422, "q")


def test_trainer_search_and_listing_reach_only_their_cohorts(client, bearer, db):
    trainer = factories.user("trainer")
    cohort = factories.cohort(trainers=[trainer])
    mine = factories.enrollment(cohort, person_=factories.person(document_number="777001"))
    factories.person(document_number="777002")
    headers = bearer(trainer)
    found = client.post("/api/v1/people/search", json={"q": "777"}, headers=headers)
    assert [p["id"] for p in found.get_json()["items"]] == [mine.person_id]
    listed = client.get(f"/api/v1/people?cohort_id={cohort.id}", headers=headers).get_json()
    assert [p["id"] for p in listed["items"]] == [mine.person_id]
    everyone = client.get("/api/v1/people", headers=headers).get_json()
    assert everyone["total"] == 1
    assert client.post("/api/v1/people/search", json={"q": "777"},
                       headers=bearer(factories.user("analyst"))).status_code == 403


def test_the_spec_documents_each_new_operation_with_examples_and_its_rules(client, db):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    operations = {
        ("/people/search", "post"), ("/people/{person_id}/consents", "get"),
        ("/people/{person_id}/consents", "post"), ("/people/{person_id}/consents/revoke", "post"),
        ("/people/{person_id}/merges", "get"), ("/people/{person_id}/merges", "post"),
        ("/people/{person_id}/merges/{entry_id}/undo", "post"),
        ("/people/{person_id}/compare/{other_id}", "get"), ("/people/{person_id}/export", "get"),
        ("/users", "get"), ("/users", "post"), ("/users/{user_id}", "patch"),
        ("/users/{user_id}", "delete"), ("/tokens", "post"), ("/tokens/{token_id}", "delete"),
    }
    for path, method in operations:
        op = paths[f"/api/v1{path}"][method]
        success = next(r for code, r in op["responses"].items() if code.startswith("2"))
        assert "example" in success["content"]["application/json"], (path, method)
        if method == "post" and "requestBody" in op:
            assert "example" in op["requestBody"]["content"]["application/json"], path
        if method != "get":
            assert {"409", "412" if method != "post" else "422"} <= set(op["responses"])
    merge = paths["/api/v1/people/{person_id}/merges"]["post"]["responses"]["422"]
    example = merge["content"]["application/problem+json"]["example"]
    assert "confirm_document" in example["fields"] and "escriba el número" in example["detail"]
    consent = paths["/api/v1/people/{person_id}/consents"]["post"]
    assert consent["requestBody"]["content"]["application/json"]["schema"]["properties"][
        "consent"]["const"] is True
    assert "anonimizada" in consent["responses"]["409"]["description"]
    listing = paths["/api/v1/people"]["get"]["parameters"]
    assert "q" not in {p["name"] for p in listing}
