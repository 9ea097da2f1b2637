"""API resource: webhook endpoints and their delivery log (admins only)."""

from flask import jsonify
from sqlalchemy import select

from lms.api import bp
from lms.api.conventions import paginated
from lms.api.core import json_body, validated
from lms.api.openapi import doc
from lms.api.resource import ADMIN, Resource
from lms.api.serialize import STR, Shape, page_schema
from lms.web import loads, requires
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


webhooks = Resource("webhooks", WebhookEndpoint, ENDPOINT, tag=TAGS[0], param="endpoint_id",
                    read=ADMIN)
webhooks.list("Listar webhooks (admin)", lambda: select(WebhookEndpoint)
              .order_by(WebhookEndpoint.id))


@bp.post("/webhooks")
@doc("Registrar un webhook (admin); el secreto se muestra solo aquí", body=WebhookForm,
     response=CREATED, status=201, tags=TAGS)
@requires(*ADMIN)
def webhooks_create():
    """Register an endpoint; the answer carries its signing secret, shown only once."""
    form = validated(WebhookForm, json_body(active=True))
    endpoint = services.save_endpoint(form.data)
    return jsonify(ENDPOINT.dump(endpoint) | {"secret": endpoint.secret}), 201


webhooks.read("Ver un webhook (admin)")
# Only the fields sent change; activating an endpoint forgets its failures.
webhooks.update("Modificar un webhook (admin); activarlo olvida sus fallos", WebhookForm,
                lambda endpoint, form: services.save_endpoint(
                    {k: form.data[k] for k in form.sent if k in form.data}, endpoint))
webhooks.delete("Eliminar un webhook y su registro de entregas (admin)",
                services.delete_endpoint)


@bp.post("/webhooks/<int:endpoint_id>/secret")
@doc("Cambiar el secreto de un webhook (admin)", response=SECRET, tags=TAGS)
@requires(*ADMIN)
@loads("endpoint_id", WebhookEndpoint)
def webhooks_rotate(endpoint: WebhookEndpoint):
    """Give the endpoint a new secret, returned once."""
    return jsonify({"secret": services.rotate_secret(endpoint)})


@bp.get("/webhooks/<int:endpoint_id>/deliveries")
@doc("Entregas de un webhook: estado, código, latencia (admin)",
     response=page_schema(DELIVERY.schema), tags=TAGS)
@requires(*ADMIN)
@loads("endpoint_id", WebhookEndpoint)
def webhooks_deliveries(endpoint: WebhookEndpoint):
    """The endpoint's deliveries, newest first."""
    query = (select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
             .order_by(WebhookDelivery.id.desc()))
    return jsonify(paginated(query, DELIVERY.dump))


@bp.post("/webhook-deliveries/<int:delivery_id>/resend")
@doc("Reenviar una entrega (admin)", response=DELIVERY.schema, status=202, tags=TAGS)
@requires(*ADMIN)
@loads("delivery_id", WebhookDelivery)
def webhooks_resend(delivery: WebhookDelivery):
    """Queue a delivery again (same id and body)."""
    return jsonify(DELIVERY.dump(services.resend(delivery))), 202
