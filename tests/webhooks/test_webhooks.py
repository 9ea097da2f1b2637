"""Signed webhooks reach a real receiver, are retried, logged, re-sent, and never block."""

import time

import pytest
from sqlalchemy import select
from standardwebhooks.webhooks import Webhook

from lms.extensions import db as _db
from lms.mail import MailMessage
from lms.webhooks.delivery import FAILURES_TO_DISABLE
from lms.webhooks.models import WebhookDelivery, WebhookEndpoint
from tests import factories
from tests.ops.conftest import run_due_retries

ALL = ["enrollment.completed", "certificate.issued", "certificate.revoked",
       "certificate.superseded", "attendance.changed", "person.anonymized"]


def _register(client, headers, url, events=ALL):
    response = client.post("/api/v1/webhooks", json={"url": url, "events": events},
                           headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_events_arrive_signed_in_the_standard_webhooks_scheme(client, admin_api, receiver, db):
    hook = _register(client, admin_api, receiver.url)
    assert hook["secret"].startswith("whsec_")
    assert "secret" not in client.get(f"/api/v1/webhooks/{hook['id']}", headers=admin_api).json
    enrollment = factories.enrollment(status="completo", hours_credited=20,
                                      completed_on=factories.local_today())
    issued = client.post("/api/v1/certificates", json={"enrollment_id": enrollment.id},
                         headers=admin_api)
    assert issued.status_code == 201, issued.get_json()
    code = issued.get_json()["code"]
    revoked = client.post(f"/api/v1/certificates/{code}/revoke",
                          json={"reason": "Emitido por error"}, headers=admin_api)
    assert revoked.status_code == 200
    verifier = Webhook(hook["secret"])
    seen = []
    for headers, body in receiver.received:
        payload = verifier.verify(body, headers)  # raises on a bad signature
        assert set(payload) == {"id", "type", "occurred_at", "data"}
        assert payload["id"] == headers["webhook-id"] and payload["occurred_at"].endswith("Z")
        seen.append((payload["type"], payload["data"]))
    assert ("certificate.issued", {"code": code, "enrollment_id": enrollment.id}) in seen
    assert ("certificate.revoked", {"code": code}) in seen
    tampered = dict(receiver.received[0][0], **{"webhook-signature": "v1,AAAA"})
    with pytest.raises(Exception, match="signature"):
        verifier.verify(receiver.received[0][1], tampered)
    log = client.get(f"/api/v1/webhooks/{hook['id']}/deliveries", headers=admin_api).json
    assert {d["state"] for d in log["items"]} == {"delivered"}
    assert all(d["response_code"] == 200 and d["latency_ms"] >= 0 for d in log["items"])


def test_only_subscribed_events_are_sent_and_a_failed_request_sends_none(
        client, admin_api, receiver, db):
    _register(client, admin_api, receiver.url, events=["person.anonymized"])
    person = factories.person()
    refused = client.post("/api/v1/certificates", json={"enrollment_id": 2**31 - 1},
                          headers=admin_api)
    assert refused.status_code in (404, 422)
    gone = client.delete(f"/api/v1/people/{person.id}", headers=admin_api)
    assert gone.status_code == 200
    assert [e["type"] for e in receiver.events()] == ["person.anonymized"]
    assert receiver.events()[0]["data"] == {"person_id": person.id}


def test_failures_are_retried_with_backoff_then_resent_by_hand(client, admin_api, receiver, db):
    hook = _register(client, admin_api, receiver.url, events=["person.anonymized"])
    receiver.answers = [500, 503]
    client.delete(f"/api/v1/people/{factories.person().id}", headers=admin_api)
    delivery = _db.session.scalar(select(WebhookDelivery))
    assert (delivery.state, delivery.response_code, delivery.attempts) == ("pending", 500, 1)
    run_due_retries()
    _db.session.refresh(delivery)
    assert (delivery.state, delivery.attempts, delivery.response_code) == ("delivered", 3, 200)
    assert len({h["webhook-id"] for h, _ in receiver.received}) == 1  # same id each try
    again = client.post(f"/api/v1/webhook-deliveries/{delivery.id}/resend", headers=admin_api)
    assert again.status_code == 202
    assert len(receiver.received) == 4 and receiver.events()[-1] == receiver.events()[0]
    assert hook["id"] == delivery.endpoint_id


def test_an_endpoint_that_keeps_failing_is_disabled_and_admins_are_told(
        client, admin_api, receiver, db, admin):
    hook = _register(client, admin_api, receiver.url, events=["person.anonymized"])
    receiver.answers = [500] * 1000
    for _ in range(FAILURES_TO_DISABLE):
        client.delete(f"/api/v1/people/{factories.person().id}", headers=admin_api)
        run_due_retries(limit=50)
    endpoint = _db.session.get(WebhookEndpoint, hook["id"])
    _db.session.refresh(endpoint)
    assert not endpoint.active and "fallidas" in endpoint.disabled_reason
    told = _db.session.scalars(select(MailMessage.to)).all()
    assert admin.email in told
    before = len(receiver.received)
    client.delete(f"/api/v1/people/{factories.person().id}", headers=admin_api)
    assert len(receiver.received) == before  # disabled: nothing more is sent


def test_a_slow_receiver_never_slows_the_request(client, admin_api, receiver, db, queued):
    _register(client, admin_api, receiver.url, events=["person.anonymized"])
    receiver.delay = 3
    started = time.monotonic()
    response = client.delete(f"/api/v1/people/{factories.person().id}", headers=admin_api)
    assert response.status_code == 200 and time.monotonic() - started < 2
    assert not receiver.received and queued.pending_count() == 1
    queued.execute(queued.dequeue())
    assert len(receiver.received) == 1


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:9/hook", "http://localhost/hook", "http://10.0.0.5/hook",
    "http://169.254.169.254/latest/meta-data", "http://[::1]/hook", "ftp://example.org/x",
    "https://user:clave@example.org/x",
])
def test_internal_addresses_are_refused(client, admin_api, db, url):
    response = client.post("/api/v1/webhooks", json={"url": url, "events": ALL},
                           headers=admin_api)
    assert response.status_code == 422 and "url" in response.get_json()["fields"]
    assert _db.session.scalar(select(WebhookEndpoint)) is None


def test_https_is_required_unless_the_setting_allows_http(app, client, admin_api, db,
                                                         monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOW_HTTP", False)
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_HOSTS", ["127.0.0.1"])
    response = client.post("/api/v1/webhooks", json={"url": "http://127.0.0.1/x",
                                                     "events": ALL}, headers=admin_api)
    assert response.status_code == 422 and "https" in response.get_json()["fields"]["url"][0]
