"""Accounts, passwords and API tokens."""

import hashlib
import secrets
from functools import cache

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from lms.auth import passwords, sessions
from lms.auth.models import ROLES, ApiToken, User
from lms.database import unique
from lms.errors import ValidationError
from lms.extensions import db
from lms.formatting import N_, label
from lms.timeutil import utcnow

MIN_PASSWORD = passwords.MIN_LENGTH
DUPLICATE_EMAIL = N_("Ya existe un usuario con ese correo.")


class AuthError(ValidationError):
    """An account rule was broken."""


def configure_login(manager: LoginManager) -> None:
    """Wire Flask-Login: session loading and the Spanish login prompt."""
    manager.login_view = "auth.login"
    manager.login_message = _l("Inicie sesión para continuar.")
    # Flask-Login flashes the message; render it to text first, the session stores only text.
    manager.localize_callback = str
    manager.login_message_category = "info"

    manager.user_loader(sessions.user_for)


def hash_password(password: str) -> str:
    """Hash a password with scrypt, at the cost PASSWORD_HASH_METHOD names."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@cache
def _dummy_hash(method: str) -> str:
    # Checked when the email is unknown, so a wrong email costs as much as a wrong password.
    return generate_password_hash("not-a-password", method=method)


def normalize_email(email: str) -> str:
    """Trim and lower-case an email address."""
    return email.strip().lower()


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None without saying which was wrong."""
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def check_password_rules(password: str) -> None:
    """Reject passwords too short or too common to resist guessing (``auth.passwords``)."""
    problem = passwords.problem(password)
    if problem:
        raise AuthError(problem, "password")


def create_user(email: str, name: str, role: str, password: str) -> User:
    """Create a staff account."""
    email = normalize_email(email)
    if role not in ROLES:
        raise AuthError(_("Rol no válido."), "role")
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise AuthError(label(DUPLICATE_EMAIL), "email")
    if not password:
        raise AuthError(_("Escriba una contraseña."), "password")
    check_password_rules(password)
    user = User(email=email, name=name.strip(), role=role, password_hash=hash_password(password))
    with unique(label(DUPLICATE_EMAIL), "email"):
        db.session.add(user)
    return user


def update_user(user: User, *, name: str, role: str, active: bool, password: str = "") -> None:
    """Change a staff account; an empty password keeps the current one.

    A new password ends the user's sessions; deactivating also revokes their API tokens,
    so reactivating the account later revives neither.
    """
    if role not in ROLES:
        raise AuthError(_("Rol no válido."), "role")
    if user.role == "admin" and user.active and (role != "admin" or not active):
        _keep_an_admin(user, "role" if role != "admin" else "active")
    if password:
        check_password_rules(password)
        user.password_hash = hash_password(password)
        sessions.end_all(user)
    if user.active and not active:
        revoke_tokens(user)
        sessions.end_all(user)
    user.name, user.role, user.active = name.strip(), role, active
    db.session.flush()


def _keep_an_admin(user: User, field: str) -> None:
    # Without an active admin nobody could manage accounts, tokens or the catalog again.
    others = db.session.scalar(
        select(func.count(User.id)).where(User.role == "admin", User.active, User.id != user.id)
    )
    if not others:
        raise AuthError(_l("Debe quedar al menos un administrador activo."), field)


def generate_password() -> str:
    """A random password to print once, long enough for the password rules."""
    return secrets.token_urlsafe(12)


def ensure_admin(email: str, password: str | None) -> tuple[User, str | None]:
    """Make sure an admin with this email exists; return it and a generated password if any."""
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is not None:
        if password:
            check_password_rules(password)
            user.password_hash = hash_password(password)
            sessions.end_all(user)
        user.role, user.active = "admin", True
        db.session.flush()
        return user, None
    generated = None
    if not password:
        generated = password = generate_password()
    return create_user(email, "Administrador", "admin", password), generated


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, name: str) -> str:
    """Create an API token for the user; the clear token is returned once and never stored."""
    return issue_token(user, name)[1]


def issue_token(user: User, name: str) -> tuple[ApiToken, str]:
    """Create an API token for the user: its row and the clear token, shown once.

    Only an active account gets one: its tokens would not work (``user_for_token``).
    """
    if not user.active:
        raise AuthError(_("El usuario está inactivo; actívelo antes de crearle un token."),
                        "user_id")
    token = "lms_" + secrets.token_urlsafe(32)
    row = ApiToken(
        user=user, name=name.strip() or "API", token_hash=_digest(token), prefix=token[:10]
    )
    db.session.add(row)
    db.session.flush()
    return row, token


def revoke_token(token: ApiToken) -> None:
    """Stop a token from working; the row stays for the audit trail."""
    token.revoked_at = token.revoked_at or utcnow()
    db.session.flush()


def revoke_tokens(user: User) -> None:
    """Revoke every live token of ``user``."""
    for token in user.tokens:
        revoke_token(token)


def user_for_token(token: str) -> User | None:
    """Return the active user behind a bearer token, or None."""
    row = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == _digest(token), ApiToken.revoked_at.is_(None))
    )
    if row is None or not row.user.active:
        return None
    return row.user
