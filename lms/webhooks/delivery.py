"""Sending one delivery: sign it (Standard Webhooks), POST it, log the outcome.

Runs in the task queue after the change committed, so a slow or dead receiver never holds
up the request. A non-2xx answer or no answer raises, and the queue retries with
exponential backoff (RETRIES tries from RETRY_DELAY seconds, doubling: about 24 h in all).
When the last try fails the delivery is ``failed``; FAILURES_TO_DISABLE of those in a row
disable the endpoint and e-mail every active admin.
"""

import base64
import hashlib
import hmac
import time
import urllib.request
from urllib.error import HTTPError, URLError

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms import log, mail, tasks
from lms.auth.models import User
from lms.extensions import db
from lms.timeutil import utcnow
from lms.webhooks.models import WebhookDelivery, WebhookEndpoint
from lms.webhooks.targets import check_url

#: Retries after the first try, the first delay (s) and its growth: 84·(2^10 − 1) s ≈ 24 h.
RETRIES, RETRY_DELAY, BACKOFF = 10, 84, 2
#: Seconds to wait for the receiver's answer.
TIMEOUT = 10
#: Deliveries given up in a row that disable the endpoint.
FAILURES_TO_DISABLE = 5


def signature(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    """``v1,<base64 HMAC-SHA256>`` of ``id.timestamp.body`` with the ``whsec_`` secret."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.{body}".encode()
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect could lead past the address check: it counts as the answer, not followed.
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> tuple[int | None, str | None]:
    """POST ``delivery`` to ``endpoint`` once: (response code, error text)."""
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "FormacionTIC-Webhooks/1",
        "webhook-id": delivery.event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(endpoint.secret, delivery.event_id, timestamp,
                                       delivery.payload),
    }
    request = urllib.request.Request(  # noqa: S310 - scheme checked by check_url
        check_url(endpoint.url), data=delivery.payload.encode(), headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=TIMEOUT) as response:
            return response.status, None
    except HTTPError as exc:
        exc.close()
        return exc.code, f"HTTP {exc.code}"
    except (URLError, OSError) as exc:
        return None, f"{type(exc).__name__}: {exc}"[:300]


def _gave_up(error: str, delivery_id: int) -> None:
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        return
    delivery.state = "failed"
    endpoint = delivery.endpoint
    endpoint.consecutive_failures += 1
    if endpoint.active and endpoint.consecutive_failures >= FAILURES_TO_DISABLE:
        endpoint.active = False
        endpoint.disabled_reason = (f"Desactivado el {utcnow():%Y-%m-%d %H:%M} UTC tras "
                                    f"{endpoint.consecutive_failures} entregas fallidas.")
        log.event("webhook.disabled", endpoint_id=endpoint.id)
        for email in db.session.scalars(select(User.email).where(
                User.role == "admin", User.active.is_(True))):
            mail.send(email, "Webhook desactivado",
                      f"El webhook #{endpoint.id} ({endpoint.url}) fue desactivado tras "
                      f"{endpoint.consecutive_failures} entregas fallidas. Revíselo en "
                      "Administración › Webhooks y actívelo de nuevo cuando funcione.")


@tasks.task(_l("Entregar un webhook"), retries=RETRIES, retry_delay=RETRY_DELAY,
            retry_backoff=BACKOFF, on_failure=_gave_up)
def deliver(delivery_id: int) -> None:
    """Send one delivery unless it was delivered or its endpoint is off; raise to retry."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.state == "delivered" or not delivery.endpoint.active:
        return
    started = time.monotonic()
    code, error = post(delivery.endpoint, delivery)
    delivery.attempts += 1
    delivery.last_attempt_at = utcnow()
    delivery.latency_ms = round((time.monotonic() - started) * 1000)
    delivery.response_code, delivery.error = code, error
    log.event("webhook.attempt", delivery_id=delivery.id, code=code,
              latency_ms=delivery.latency_ms)
    if code is not None and 200 <= code < 300:
        delivery.state, delivery.delivered_at = "delivered", utcnow()
        delivery.endpoint.consecutive_failures = 0
        db.session.flush()
        return
    # The outcome is kept even though the task fails: it commits on its own.
    db.session.commit()
    raise RuntimeError(error or f"HTTP {code}")
