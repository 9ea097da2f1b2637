"""API resource: webhook endpoints and their delivery log (admins only)."""

from flask import jsonify
from sqlalchemy import select

from lms.api import bp
from lms.api.conventions import paginated
from lms.api.core import json_body, require_role, validated
from lms.api.openapi import doc
from lms.api.serialize import STR, Shape, page_schema
from lms.extensions import db
from lms.webhooks import services
from lms.webhooks.forms import WebhookForm
from lms.webhooks.models import WebhookDelivery, WebhookEndpoint

ENDPOINT = Shape(WebhookEndpoint,
                 "id url events description active consecutive_failures disabled_reason "
                 "created_at")
ENDPOINT.schema["properties"]["events"] = {"type": "array", "items": STR}
CREATED = {**ENDPOINT.schema, "properties": {**ENDPOINT.schema["properties"],
                                             "secret": {"type": "string",
                                                        "pattern": "^whsec_"}}}
SECRET = {"type": "object", "properties": {"secret": {"type": "string", "pattern": "^whsec_"}}}
DELIVERY = Shape(WebhookDelivery,
                 "id endpoint_id event_id event_type state attempts response_code latency_ms "
                 "error created_at last_attempt_at delivered_at")
TAGS = ("webhooks",)


def _endpoint(endpoint_id: int) -> WebhookEndpoint:
    require_role("admin")
    return db.get_or_404(WebhookEndpoint, endpoint_id)


@bp.get("/webhooks")
@doc("Listar webhooks (admin)", response=page_schema(ENDPOINT.schema), tags=TAGS)
def webhooks_list():
    """The registered endpoints."""
    require_role("admin")
    return jsonify(paginated(select(WebhookEndpoint).order_by(WebhookEndpoint.id),
                             ENDPOINT.dump))


@bp.post("/webhooks")
@doc("Registrar un webhook (admin); el secreto se muestra solo aquí", body=WebhookForm,
     response=CREATED, status=201, tags=TAGS)
def webhooks_create():
    """Register an endpoint; the answer carries its signing secret, shown only once."""
    require_role("admin")
    form = validated(WebhookForm, json_body(active=True))
    endpoint = services.save_endpoint(form.data)
    return jsonify(ENDPOINT.dump(endpoint) | {"secret": endpoint.secret}), 201


@bp.get("/webhooks/<int:endpoint_id>")
@doc("Ver un webhook (admin)", response=ENDPOINT.schema, tags=TAGS)
def webhooks_get(endpoint_id: int):
    """One endpoint (without its secret)."""
    return jsonify(ENDPOINT.dump(_endpoint(endpoint_id)))


@bp.patch("/webhooks/<int:endpoint_id>")
@doc("Modificar un webhook (admin); activarlo olvida sus fallos", body=WebhookForm,
     response=ENDPOINT.schema, tags=TAGS)
def webhooks_update(endpoint_id: int):
    """Change some fields of an endpoint."""
    endpoint = _endpoint(endpoint_id)
    payload = json_body()
    form = validated(WebhookForm, payload, obj=endpoint)
    services.save_endpoint({k: form.data[k] for k in payload if k in form.data}, endpoint)
    return jsonify(ENDPOINT.dump(endpoint))


@bp.delete("/webhooks/<int:endpoint_id>")
@doc("Eliminar un webhook y su registro de entregas (admin)", status=204, tags=TAGS)
def webhooks_delete(endpoint_id: int):
    """Remove an endpoint."""
    services.delete_endpoint(_endpoint(endpoint_id))
    return "", 204


@bp.post("/webhooks/<int:endpoint_id>/secret")
@doc("Cambiar el secreto de un webhook (admin)", response=SECRET, tags=TAGS)
def webhooks_rotate(endpoint_id: int):
    """Give the endpoint a new secret, returned once."""
    return jsonify({"secret": services.rotate_secret(_endpoint(endpoint_id))})


@bp.get("/webhooks/<int:endpoint_id>/deliveries")
@doc("Entregas de un webhook: estado, código, latencia (admin)",
     response=page_schema(DELIVERY.schema), tags=TAGS)
def webhooks_deliveries(endpoint_id: int):
    """The endpoint's deliveries, newest first."""
    endpoint = _endpoint(endpoint_id)
    query = (select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
             .order_by(WebhookDelivery.id.desc()))
    return jsonify(paginated(query, DELIVERY.dump))


@bp.post("/webhook-deliveries/<int:delivery_id>/resend")
@doc("Reenviar una entrega (admin)", response=DELIVERY.schema, status=202, tags=TAGS)
def webhooks_resend(delivery_id: int):
    """Queue a delivery again (same id and body)."""
    require_role("admin")
    delivery = services.resend(db.get_or_404(WebhookDelivery, delivery_id))
    return jsonify(DELIVERY.dump(delivery)), 202
