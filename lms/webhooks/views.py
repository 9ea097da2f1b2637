"""Admin pages for webhooks (rules in blueprint.py): register, switch, re-send, delete."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from lms.auth.models import Role
from lms.extensions import db
from lms.web import attempt, loads, requires
from lms.webhooks import services
from lms.webhooks.forms import WebhookForm
from lms.webhooks.models import WebhookDelivery, WebhookEndpoint

#: Deliveries shown on an endpoint's page (the API pages through all of them).
SHOWN = 50


def _index(form: WebhookForm, secret: str | None = None, status: int = 200):
    endpoints = db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)).all()
    return render_template("webhooks/index.html", form=form, endpoints=endpoints,
                           secret=secret), status


@requires(Role.ADMIN)
def index():
    """The endpoints and the form to add one; the new secret is shown once, here."""
    form = WebhookForm()
    if not form.validate_on_submit():
        return _index(form, status=422 if form.is_submitted() else 200)
    with attempt(form) as done:
        endpoint = services.save_endpoint(form.data)
    if not done:
        return _index(form, status=422)
    flash(_("Webhook registrado. Copie el secreto ahora: no se volverá a mostrar."), "success")
    return _index(WebhookForm(formdata=None), secret=endpoint.secret)


def _endpoint_page(row: WebhookEndpoint, secret: str | None = None):
    deliveries = db.session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.endpoint_id == row.id)
        .order_by(WebhookDelivery.id.desc()).limit(SHOWN)).all()
    return render_template("webhooks/endpoint.html", endpoint=row, deliveries=deliveries,
                           secret=secret)


@requires(Role.ADMIN)
@loads("endpoint_id", WebhookEndpoint)
def endpoint(endpoint: WebhookEndpoint):
    """One endpoint with its latest deliveries (status, code, latency)."""
    return _endpoint_page(endpoint)


@requires(Role.ADMIN)
@loads("endpoint_id", WebhookEndpoint)
def toggle(endpoint: WebhookEndpoint):
    """Switch deliveries off, or back on (which forgets the failures)."""
    with attempt():
        services.save_endpoint({"active": not endpoint.active}, endpoint)
    return redirect(url_for("webhooks.endpoint", endpoint_id=endpoint.id))


@requires(Role.ADMIN)
@loads("endpoint_id", WebhookEndpoint)
def rotate(endpoint: WebhookEndpoint):
    """Give the endpoint a new secret, shown once on the page."""
    secret = services.rotate_secret(endpoint)
    flash(_("Secreto cambiado. Copie el nuevo ahora: no se volverá a mostrar."), "success")
    return _endpoint_page(endpoint, secret)


@requires(Role.ADMIN)
@loads("endpoint_id", WebhookEndpoint)
def delete(endpoint: WebhookEndpoint):
    """Remove an endpoint and its delivery log."""
    services.delete_endpoint(endpoint)
    flash(_("Webhook eliminado."), "success")
    return redirect(url_for("webhooks.index"))


@requires(Role.ADMIN)
@loads("delivery_id", WebhookDelivery)
def resend(delivery: WebhookDelivery):
    """Queue a delivery again."""
    with attempt() as done:
        services.resend(delivery)
    if done:
        flash(_("La entrega %(id)s se volvió a enviar.", id=delivery.id), "success")
    return redirect(url_for("webhooks.endpoint", endpoint_id=delivery.endpoint_id))
