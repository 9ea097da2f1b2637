"""Webhook endpoints and the log of every delivery to them."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.timeutil import utcnow

#: The events a receiver may subscribe to.
EVENTS = (
    "enrollment.completed",
    "certificate.issued",
    "certificate.revoked",
    "certificate.superseded",
    "attendance.changed",
    "person.anonymized",
)
#: Delivery states: pending (queued or retrying), delivered, failed (gave up).
DELIVERY_STATES = ("pending", "delivered", "failed")


class WebhookEndpoint(db.Model):
    """A receiver: where events go, which ones, and the secret that signs them."""

    __tablename__ = "webhook_endpoints"
    __audit_exclude__ = ("secret",)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Where deliveries are POSTed (https in production).
    url: Mapped[str] = mapped_column(String(500))
    #: Standard Webhooks secret ``whsec_<base64>``; shown to the admin once, kept to sign.
    secret: Mapped[str] = mapped_column(String(100))
    #: Subscribed event names (a subset of EVENTS).
    events: Mapped[list] = mapped_column(JSON, default=list)
    #: A short note for the admin (who receives it).
    description: Mapped[str] = mapped_column(String(200), default="")
    #: Deliveries stop while False (set by hand, or after too many failures).
    active: Mapped[bool] = mapped_column(default=True)
    #: Deliveries that gave up in a row; reset by any success.
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    #: Why and when deliveries were stopped automatically.
    disabled_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    deliveries = relationship("WebhookDelivery", back_populates="endpoint",
                              cascade="all, delete-orphan", passive_deletes=True)


class WebhookDelivery(db.Model):
    """One event sent (or to be sent) to one endpoint, with the outcome of the last try."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("endpoint_id", "event_id",
                                       name="uq_webhook_delivery_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True)
    #: The message id (``webhook-id``): the same for every re-send, so receivers dedupe.
    event_id: Mapped[str] = mapped_column(String(40))
    #: The event name (one of EVENTS).
    event_type: Mapped[str] = mapped_column(String(40))
    #: The exact JSON body sent: {id, type, occurred_at, data}, ids only.
    payload: Mapped[str] = mapped_column(Text)
    #: One of DELIVERY_STATES.
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    #: Tries so far, the last response code (None: no answer), latency and error.
    attempts: Mapped[int] = mapped_column(default=0)
    response_code: Mapped[int | None]
    latency_ms: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]

    endpoint = relationship("WebhookEndpoint", back_populates="deliveries")
