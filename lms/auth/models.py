"""Staff accounts and their API tokens."""

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.formatting import N_, label
from lms.timeutil import utcnow


class Role(StrEnum):
    """Staff roles; stored as their value in ``User.role``."""

    ADMIN = "admin"
    TRAINER = "trainer"
    ANALYST = "analyst"


ROLES = tuple(Role)
ROLE_LABELS = {Role.ADMIN: N_("Administrador"), Role.TRAINER: N_("Formador"),
               Role.ANALYST: N_("Analista")}


class User(UserMixin, db.Model):
    """A member of the Oficina TIC staff or a trainer; citizens never have accounts."""

    __tablename__ = "users"
    __audited__ = True
    #: Bumped at every logout: a trail entry each time would bury the real changes.
    __audit_exclude__ = ("session_version",)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Login name, stored lower-case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    #: Full name shown on rosters and certificates.
    name: Mapped[str] = mapped_column(String(120))
    #: werkzeug scrypt hash; the password itself is never stored.
    password_hash: Mapped[str] = mapped_column(String(255))
    #: admin, trainer or analyst.
    role: Mapped[str] = mapped_column(String(20))
    #: Inactive users cannot log in and their tokens stop working.
    active: Mapped[bool] = mapped_column(default=True)
    #: When the account was created (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Named by every session cookie; bumping it ends all of them (``auth.sessions``).
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")

    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user")

    def get_id(self) -> str:
        """The session's name for the user: id and session version (``auth.sessions``)."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        """Tell Flask-Login whether the account may log in."""
        return self.active

    @property
    def is_admin(self) -> bool:
        """Whether the user belongs to the Oficina TIC administrators."""
        return self.role == Role.ADMIN

    @property
    def is_analyst(self) -> bool:
        """Whether the user only reads reports and indicators."""
        return self.role == Role.ANALYST

    @property
    def is_trainer(self) -> bool:
        """Whether the user teaches cohorts."""
        return self.role == Role.TRAINER

    @property
    def role_label(self) -> str:
        """The role's name in the reader's language."""
        return label(ROLE_LABELS.get(self.role, self.role))

    def has_role(self, *roles: str) -> bool:
        """Whether the user holds one of the given roles."""
        return self.role in roles


class ApiToken(db.Model):
    """A bearer token for the REST API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The token acts with this user's role.
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: What the token is for, e.g. "Moodle".
    name: Mapped[str] = mapped_column(String(120))
    #: SHA-256 hex digest of the token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: First characters of the token, to tell tokens apart in the UI.
    prefix: Mapped[str] = mapped_column(String(12))
    #: When it was created (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: When it was revoked; revoked tokens are kept for the audit trail.
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")
