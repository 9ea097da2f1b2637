"""The auth domain's URLs: login, logout, users and API tokens."""

import hashlib

from flask import Blueprint, request

from lms.auth import views
from lms.auth.services import normalize_email
from lms.ratelimit import limit

bp = Blueprint("auth", __name__)


def _per_account() -> str:
    # Guesses at one account from many addresses share one budget; the limiter's storage
    # (Redis in production) keeps a digest, not the address.
    email = normalize_email(request.form.get("email", ""))[:254]
    return "login:" + hashlib.sha256(email.encode()).hexdigest()[:32]


def _failed(response) -> bool:
    # Only refused attempts count: a successful login redirects.
    return response.status_code != 302


bp.add_url_rule("/", "home", views.home)
bp.add_url_rule(
    "/login",
    "login",
    limit("20/minute", methods=("POST",))(
        limit("10 per 15 minutes", key=_per_account, methods=("POST",),
              deduct_when=_failed)(views.login)
    ),
    methods=["GET", "POST"],
)
bp.add_url_rule("/logout", "logout", views.logout, methods=["POST"])
bp.add_url_rule("/usuarios", "users", views.users)
bp.add_url_rule("/usuarios/nuevo", "user_form", views.user_form, methods=["GET", "POST"])
bp.add_url_rule("/usuarios/<int:user_id>", "user_form", views.user_form, methods=["GET", "POST"])
bp.add_url_rule("/tokens", "tokens", views.tokens, methods=["GET", "POST"])
bp.add_url_rule("/tokens/<int:token_id>/revocar", "revoke_token", views.revoke_token,
                methods=["POST"])
