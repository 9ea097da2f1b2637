"""REST API under /api/v1: bearer tokens only, JSON in and out.

Each resource lives in its own module and registers its routes on ``bp``; the
modules call the same services as the web views.
"""

from importlib import import_module

from flask import Blueprint, g, request

from lms.api import conventions
from lms.auth.services import user_for_token
from lms.errors import api_error
from lms.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Session cookies are ignored here, so cross-site requests cannot ride on them.
csrf.exempt(bp)

PUBLIC_ENDPOINTS = {"api.openapi"}


@bp.before_request
def _authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    user = user_for_token(token.strip()) if scheme.lower() == "bearer" and token else None
    if user is None:
        return api_error(401, "Token ausente, inválido o revocado.")
    # Flask-Login reads the current user from here; the token acts with its user's role.
    g._login_user = user
    return conventions.before()


@bp.after_request
def _conventions(response):
    return conventions.after(response)


for _module in (
    "openapi",
    "me",
    "catalog",
    "cohorts",
    "people",
    "enrollments",
    "attendance",
    "certificates",
    "indicators",
    "webhooks",
    "imports",
    "jobs",
    "certificate_ops",
    "people_search",
    "consents",
    "merges",
    "rights",
    "users",
    "indicator_people",
    "exports",
    "checkins",
    "audit",
):
    import_module(f"lms.api.{_module}")
