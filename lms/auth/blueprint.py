"""The auth domain's URLs: login, logout, users and API tokens."""

from flask import Blueprint

from lms.auth import views
from lms.extensions import limiter

bp = Blueprint("auth", __name__)

bp.add_url_rule("/", "home", views.home)
bp.add_url_rule(
    "/login",
    "login",
    limiter.limit("20/minute", methods=["POST"])(views.login),
    methods=["GET", "POST"],
)
bp.add_url_rule("/logout", "logout", views.logout, methods=["POST"])
bp.add_url_rule("/usuarios", "users", views.users)
bp.add_url_rule("/usuarios/nuevo", "user_form", views.user_form, methods=["GET", "POST"])
bp.add_url_rule("/usuarios/<int:user_id>", "user_form", views.user_form, methods=["GET", "POST"])
bp.add_url_rule("/tokens", "tokens", views.tokens, methods=["GET", "POST"])
bp.add_url_rule("/tokens/<int:token_id>/revocar", "revoke_token", views.revoke_token,
                methods=["POST"])
