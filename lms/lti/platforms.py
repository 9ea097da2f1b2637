"""Registering platforms (admin page, CLI, dynamic registration) and finding them."""

from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from lms.errors import ValidationError
from lms.extensions import db
from lms.formatting import N_, label
from lms.lti.models import Deployment, Platform

#: Hosts allowed over plain http when LTI_ALLOW_LOCAL_HTTP is on (a platform under test).
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
URL_FIELDS = {
    "issuer": N_("emisor (issuer)"),
    "auth_login_url": N_("URL de inicio de sesión (auth login URL)"),
    "token_url": N_("URL de tokens (token URL)"),
    "jwks_url": N_("URL del juego de claves (JWKS URL)"),
}


def check_url(value: str, field: str) -> str:
    """``value`` if it is an https URL (http only on this machine), else a ValidationError."""
    value = (value or "").strip()
    parts = urlsplit(value)
    local = parts.hostname in LOCAL_HOSTS and current_app.config.get("LTI_ALLOW_LOCAL_HTTP")
    if parts.scheme not in ("https", "http") or not parts.hostname or (
        parts.scheme == "http" and not local
    ):
        raise ValidationError(
            _(
                "El campo %(field)s debe ser una URL https completa (recibido: «%(value)s»).",
                field=label(URL_FIELDS.get(field, field)),
                value=value[:200],
            ), field=field)
    return value


def origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def register(*, issuer: str, client_id: str, deployment_ids: list[str], auth_login_url: str,
             token_url: str, jwks_url: str, name: str = "", approved: bool = True) -> Platform:
    """Register a platform with its deployments; a second issuer + client id is refused."""
    values = {f: check_url(v, f) for f, v in (("issuer", issuer),
              ("auth_login_url", auth_login_url), ("token_url", token_url),
              ("jwks_url", jwks_url))}
    client_id = (client_id or "").strip()
    if not client_id or len(client_id) > 255:
        raise ValidationError(_("El client id es obligatorio (máximo 255 caracteres)."),
                              field="client_id")
    ids = [d.strip() for d in deployment_ids if d and d.strip()]
    if not ids:
        raise ValidationError(_("Indique al menos un deployment id."), field="deployment_ids")
    if any(len(d) > 255 for d in ids):
        raise ValidationError(_("Un deployment id no puede pasar de 255 caracteres."),
                              field="deployment_ids")
    if find(values["issuer"], client_id) is not None:
        raise ValidationError(
            _(
                "Ya existe una plataforma con el emisor %(issuer)s y el client id "
                "%(client_id)s.",
                issuer=values['issuer'],
                client_id=client_id,
            ), field="client_id")
    platform = Platform(client_id=client_id, name=(name or "").strip()[:120],
                        approved=approved, **values)
    platform.deployments = [Deployment(deployment_id=d) for d in dict.fromkeys(ids)]
    db.session.add(platform)
    db.session.flush()
    return platform


def find(issuer: str, client_id: str | None) -> Platform | None:
    """The approved-or-not platform of ``issuer`` (and ``client_id`` when given, or the only
    one of that issuer)."""
    query = select(Platform).where(Platform.issuer == issuer)
    if client_id:
        return db.session.scalar(query.where(Platform.client_id == client_id))
    rows = db.session.scalars(query.limit(2)).all()
    return rows[0] if len(rows) == 1 else None


def has_deployment(platform: Platform, deployment_id: str) -> bool:
    """Whether ``deployment_id`` is registered for ``platform``."""
    return db.session.scalar(select(Deployment.id).where(
        Deployment.platform_id == platform.id, Deployment.deployment_id == deployment_id
    )) is not None


def listing() -> list[Platform]:
    """Every platform, newest first."""
    return list(db.session.scalars(select(Platform).order_by(Platform.id.desc())))


def frame_origins() -> list[str]:
    """Origins of the approved platforms: the only ones allowed to frame the LTI pages."""
    rows = db.session.execute(select(Platform.issuer, Platform.auth_login_url)
                              .where(Platform.approved)).all()
    return sorted({origin(u) for row in rows for u in row})
