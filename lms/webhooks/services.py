"""Registering webhook endpoints and re-sending deliveries (admins only, checked by views)."""

import base64
import secrets

from flask_babel import gettext as _

from lms import tasks
from lms.errors import ValidationError
from lms.extensions import db
from lms.webhooks.delivery import deliver
from lms.webhooks.models import EVENTS, WebhookDelivery, WebhookEndpoint
from lms.webhooks.targets import check_url


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _events(events) -> list[str]:
    if not isinstance(events, list) or not events or any(e not in EVENTS for e in events):
        raise ValidationError("Elija uno o más eventos de: " + ", ".join(EVENTS) + ".",
                              "events")
    return sorted(set(events))


def save_endpoint(data: dict, endpoint: WebhookEndpoint | None = None) -> WebhookEndpoint:
    """Create or change an endpoint from ``url``, ``events``, ``description``, ``active``.

    A new endpoint gets a new secret; turning an endpoint back on forgets its failures.
    """
    if endpoint is None:
        endpoint = WebhookEndpoint(secret=new_secret())
        db.session.add(endpoint)
        data = {"active": True, "description": "", **data}
    if "url" in data or endpoint.url is None:
        endpoint.url = check_url(data.get("url"))
    if "events" in data or not endpoint.events:
        endpoint.events = _events(data.get("events"))
    if data.get("description") is not None:
        endpoint.description = str(data["description"]).strip()[:200]
    if "active" in data:
        if data["active"] and not endpoint.active:
            endpoint.consecutive_failures, endpoint.disabled_reason = 0, None
        endpoint.active = bool(data["active"])
    db.session.flush()
    return endpoint


def rotate_secret(endpoint: WebhookEndpoint) -> str:
    """Give ``endpoint`` a new secret and return it (shown once)."""
    endpoint.secret = new_secret()
    db.session.flush()
    return endpoint.secret


def delete_endpoint(endpoint: WebhookEndpoint) -> None:
    """Remove an endpoint and its delivery log."""
    db.session.delete(endpoint)
    db.session.flush()


def resend(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again by hand (same id and body, fresh signature and timestamp)."""
    if not delivery.endpoint.active:
        raise ValidationError(_("El webhook está desactivado; actívelo antes de reenviar."),
                              "endpoint")
    delivery.state = "pending"
    db.session.flush()
    tasks.enqueue(deliver, delivery.id)
    return delivery
