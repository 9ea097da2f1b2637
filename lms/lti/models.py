"""LTI tables: registered platforms and their deployments, login states, launched accounts."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.timeutil import utcnow


class Platform(db.Model):
    """An LMS registered to launch the tool (one issuer + client id)."""

    __tablename__ = "lti_platforms"
    __audited__ = True
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The platform's ``iss`` (https://moodle.example.edu).
    issuer: Mapped[str] = mapped_column(String(255))
    #: The client id the platform gave this tool (the ``aud`` of its tokens).
    client_id: Mapped[str] = mapped_column(String(255))
    #: OIDC authorization endpoint the login initiation redirects to.
    auth_login_url: Mapped[str] = mapped_column(String(500))
    #: OAuth2 token endpoint (client-credentials grant for AGS and NRPS).
    token_url: Mapped[str] = mapped_column(String(500))
    #: The platform's public key set (JWKS) URL.
    jwks_url: Mapped[str] = mapped_column(String(500))
    #: A name for the admin pages (the LMS's product name for dynamic registrations).
    name: Mapped[str] = mapped_column(String(120), default="")
    #: False while a dynamic registration waits for the admin's approval.
    approved: Mapped[bool] = mapped_column(default=True)
    #: When it was registered (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    deployments: Mapped[list["Deployment"]] = relationship(
        back_populates="platform", cascade="all, delete-orphan", order_by="Deployment.id"
    )


class Deployment(db.Model):
    """A deployment id of a platform: launches naming another one are refused."""

    __tablename__ = "lti_deployments"
    __audited__ = True
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The platform.
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    #: The platform's ``deployment_id`` claim.
    deployment_id: Mapped[str] = mapped_column(String(255))

    platform: Mapped[Platform] = relationship(back_populates="deployments")


class RegistrationToken(db.Model):
    """A one-time Dynamic Registration link an admin created; only its hash is kept."""

    __tablename__ = "lti_registration_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the token (the clear token is shown to the admin once).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The admin who created it.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    #: When it was created (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: After this it is refused (UTC).
    expires_at: Mapped[datetime]
    #: When a registration used it; a used token is refused.
    used_at: Mapped[datetime | None]


class LoginState(db.Model):
    """An OIDC login in flight: its state and nonce, deleted by the launch that uses them."""

    __tablename__ = "lti_login_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The ``state`` sent to the platform (random, also set as a browser cookie).
    state: Mapped[str] = mapped_column(String(64), unique=True)
    #: The ``nonce`` the id_token must carry; accepted once.
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    #: The platform the login was started for.
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    #: After this the login can no longer complete (UTC).
    expires_at: Mapped[datetime] = mapped_column(index=True)


class Account(db.Model):
    """A platform user (platform + ``sub``) and who they are here: a staff user or a person."""

    __tablename__ = "lti_accounts"
    __audited__ = True
    __table_args__ = (UniqueConstraint("platform_id", "sub"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The platform.
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    #: The platform's stable user id (``sub``).
    sub: Mapped[str] = mapped_column(String(255))
    #: The local trainer account of an instructor.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: The person a learner was matched to.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    #: When the account first launched (UTC).
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Context(db.Model):
    """An LMS course (``context.id`` per platform and deployment) and the cohort it opens."""

    __tablename__ = "lti_contexts"
    __audited__ = True
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The platform.
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"))
    #: The deployment the context was launched from.
    deployment_id: Mapped[str] = mapped_column(String(255))
    #: The platform's ``context.id``.
    context_id: Mapped[str] = mapped_column(String(255))
    #: The LMS course's title, for the admin pages.
    title: Mapped[str] = mapped_column(String(255), default="")
    #: The linked cohort; empty until an instructor picks or creates one.
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="SET NULL"))
    #: AGS line items URL of the context, when the platform granted the scopes.
    lineitems_url: Mapped[str | None] = mapped_column(String(500))
    #: The "Asistencia (%)" line item, once created or found (resourceId = cohort code).
    lineitem_url: Mapped[str | None] = mapped_column(String(500))
    #: AGS scopes granted (space-separated).
    ags_scopes: Mapped[str] = mapped_column(Text, default="")
    #: NRPS membership URL, when the platform offers it.
    memberships_url: Mapped[str | None] = mapped_column(String(500))
